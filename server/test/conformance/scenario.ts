/**
 * One client's journey through every operation of a Layer2 document, in an order where each
 * operation has what it needs (an application to read, a withdrawal to cancel, money to move).
 * Operations the document lacks are skipped by the driver; setup that no document describes
 * (funding, the sandbox clock) goes through Ledgerline's own routes.
 */
import type { FastifyInstance } from 'fastify';
import { newTenant, tokenFor, uid } from '../helpers.js';
import { FILES } from '../onboarding/_multipart.js';
import { type Answer, Driver } from './driver.js';
import type { Spec } from './spec.js';

type Json = Record<string, any>;
const USD = 'FIAT_TESTNET_USD';
const ETH = 'ETHEREUM_SEPOLIA_ETH';
const ETH_ADDRESS = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const dataOf = (res: Answer | undefined): Json | undefined => (res?.status === 200 ? res.body?.data : undefined);

// Bodies carry no "" here: empty optional strings are a client habit with a test of their own
// (test/conformance/habits.test.ts); here they would hide every later step behind one refusal.
const address = {
  address_line1: '1 Main St',
  address_line2: 'Suite 5',
  city: 'New York',
  state: 'NY',
  postal_code: '10001',
  country_code: 'US',
};
const plainAddress = address;
const bankAddress = { address_line1: '383 Madison Ave', city: 'New York', state: 'NY', postal_code: '10179', country_code: 'US' };
const profile = { profile_type: 'INDIVIDUAL', name: 'Grace Hopper', address, relationship_to_customer: 'SELF' };

export async function runScenario(app: FastifyInstance, spec: Spec, foreignNames?: Set<string>): Promise<Driver> {
  const tenant = await newTenant(app, { regulated: true });
  const token = await tokenFor(app, tenant.clientId, tenant.secret);
  const d = new Driver(app, spec, token, foreignNames);
  const op = tenant.operator;
  const setup = async (method: string, url: string, body?: unknown) => {
    const res = await d.send(method, url, body);
    if (res.status !== 200) throw new Error(`setup ${method} ${url}: ${res.status} ${res.raw}`);
    return res.body.data as Json;
  };
  const fund = (account_id: string, amount: string) =>
    op.post('/v1/admin/adjustments', { account_id, amount, transaction_type: 'CREDIT_CORRECTION', reason: 'conformance funding' });

  // Customers and accounts for the money operations, made through routes every version serves.
  // They carry the fields only Rail 1.1.2 has (a client on either version may send them): a
  // 1.0.5 answer must not show them (the driver checks every answer for the other document's keys).
  const only112 = { tax_reference_number_country: 'GB', ip_address: '203.0.113.7' };
  const person = uid('cust');
  await setup('POST', '/v1/customers', {
    id: person,
    customer_type: 'INDIVIDUAL',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email_address: 'ada@example.com',
    date_of_birth: '1990-12-10',
    nationality: 'GB',
    citizenship: ['GB'],
    ...only112,
    mailing_address: plainAddress,
  });
  const company = uid('corp');
  await setup('POST', '/v1/customers', {
    id: company,
    customer_type: 'CORPORATION',
    registered_name: 'Acme Widgets Inc.',
    corporate_entity_type: 'LLC',
    country_of_incorporation: 'US',
    registered_address: plainAddress,
    registered_number_country: 'US',
    corporate_tax_reference_number: '123456789',
    corporate_tax_reference_number_country: 'US',
    ip_address: '203.0.113.8',
    kyc_profile: { has_complex_ownership: false, business_jurisdictions: ['US'] },
  });
  const officer = (
    await setup('POST', `/v1/customers/${company}/individuals`, {
      individual_type: ['OFFICER'],
      title: 'CEO',
      first_name: 'Grace',
      last_name: 'Hopper',
      date_of_birth: '1970-01-01',
      nationality: 'US',
      citizenship: ['US'],
      tax_reference_number_country: 'US',
      mailing_address: plainAddress,
    })
  ).id as string;
  const open = async (customer: string, asset: string, family = 'deposits', product = 'DEPOSIT_BASIC') => {
    const id = uid('acc');
    await setup('POST', `/v1/accounts/${family}`, {
      customer_id: customer,
      account_to_open: { account_id: id, product_id: product, asset_type_id: asset },
    });
    return id;
  };
  const usdA = await open(person, USD);
  const usdB = await open(person, USD);
  const eth = await open(person, ETH);
  await fund(usdA, '5000');
  await fund(eth, '2');

  // ---- Applications and documents
  const individualApp = dataOf(
    await d.call('POST /v1/applications', {
      body: {
        application_type: 'INDIVIDUAL',
        customer_id: uid('appcust'),
        account_to_open: { account_id: uid('appacc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
        terms_and_conditions_accepted: false,
        customer_details: {
          mailing_address: address,
          us_residency_status: 'NON_RESIDENT_ALIEN',
          employment_status: 'EMPLOYEE',
          investment_profile: { primary_source_of_funds: 'EMPLOYMENT' },
        },
      },
    }),
  )?.id as string | undefined;
  await d.call('GET /v1/applications/{}', { params: [individualApp] });
  await d.call('GET /v1/applications', { query: { page: '0', page_size: '10' } });
  // Following the status endpoint must reach READY_FOR_SUBMISSION: terms, then the documents.
  await d.call('PATCH /v1/applications/{}', {
    params: [individualApp],
    body: { updates: [{ field: 'terms_and_conditions_accepted', value: 'true' }] },
  });
  const status = dataOf(await d.call('GET /v1/applications/{}/status', { params: [individualApp] }));
  const documents = ((status?.application_document_errors ?? []) as Json[]).map((e) => (e.document_id ?? e.id) as string);
  let uploaded: string | undefined;
  for (const doc of documents) {
    const { body, contentType } = Driver.multipart(FILES.pdf, 'passport.pdf');
    const res = await d.call('POST /v1/documents/{}', {
      params: [doc],
      raw: { body, contentType },
      query: spec.version === '1.1.2' ? { file: 'passport.pdf' } : {},
    });
    if (res?.status === 200) uploaded = doc;
  }
  await d.call('GET /v1/documents/{}/download', { params: [uploaded] });
  await d.call('POST /v1/applications/{}/accesscode', { params: [individualApp] });
  await d.call('GET /v1/applications/{}/status', { params: [individualApp] });
  await d.call('POST /v1/applications/{}/submit', { params: [individualApp] });
  await d.call('GET /v1/applications/{}', { params: [individualApp] });

  const corporateApp = dataOf(
    await d.call('POST /v1/applications', {
      body: {
        application_type: 'CORPORATION',
        customer_id: uid('appcorp'),
        account_to_open: { account_id: uid('appacc'), product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
        terms_and_conditions_accepted: true,
        customer_details: {
          registered_address: address,
          physical_address: address,
          corporate_entity_type: 'LLC',
          kyc_profile: { regulated_status: 'NONE', control_exemption_reason: 'NONE', primary_business: 'SOFTWARE' },
        },
      },
    }),
  )?.id as string | undefined;
  const individual = (type: string[]) => ({
    individual_type: type,
    mailing_address: address,
    us_residency_status: 'NON_RESIDENT_ALIEN',
  });
  const first = dataOf(
    await d.call('POST /v1/applications/{}/individual', { params: [corporateApp], body: individual(['OFFICER', 'BENEFICIAL_OWNER']) }),
  )?.id as string | undefined;
  const second = dataOf(
    await d.call('POST /v1/applications/{}/individual', { params: [corporateApp], body: individual(['CONTROL_PERSON']) }),
  )?.id as string | undefined;
  await d.call('PATCH /v1/applications/{}/individual/{}', {
    params: [corporateApp, first],
    body: { updates: [{ field: 'title', value: 'CFO' }] },
  });
  await d.call('DELETE /v1/applications/{}/individual/{}', { params: [corporateApp, second] });
  await d.call('GET /v1/applications/{}/status', { params: [corporateApp] });
  await d.call('GET /v1/applications/{}', { params: [corporateApp] });

  // ---- Customers
  const created = dataOf(
    await d.call('POST /v1/customers', {
      body: { customer_type: 'INDIVIDUAL', id: uid('cust'), us_residency_status: 'NON_RESIDENT_ALIEN', mailing_address: address },
    }),
  )?.id as string | undefined;
  const createdCorp = dataOf(
    await d.call('POST /v1/customers', {
      body: { customer_type: 'CORPORATION', id: uid('corp'), registered_address: address, physical_address: address },
    }),
  )?.id as string | undefined;
  await d.call('POST /v1/customers/{}/individuals', {
    params: [createdCorp ?? company],
    body: individual(['OFFICER']),
  });
  await d.call('GET /v1/customers', { query: { page: '0', page_size: '50' } });
  await d.call('GET /v1/customers/{}', { params: [created ?? person] });
  await d.call('GET /v1/customers/{}', { params: [person] });
  await d.call('GET /v1/customers/{}', { params: [company] });
  await d.call('PATCH /v1/customers/{}', {
    params: [person],
    body: { updates: [{ field: 'email_address', value: 'ada@lovelace.example' }], updated_by: 'conformance', reason: 'new address' },
  });
  await d.call('GET /v1/customers/{}/individuals/{}', { params: [company, officer] });
  await d.call('PATCH /v1/customers/{}/individuals/{}', {
    params: [company, officer],
    body: { updates: [{ field: 'title', value: 'CTO' }], updated_by: 'conformance', reason: 'new role' },
  });
  await d.call('POST /v1/customers/{}/payor', { params: [person], body: { id: uid('payor'), company_name: undefined } });

  // ---- Accounts
  const opened = uid('acc');
  await d.call('POST /v1/accounts/deposits', {
    body: { customer_id: person, account_to_open: { account_id: opened, product_id: 'DEPOSIT_BASIC', asset_type_id: USD } },
  });
  await d.call('GET /v1/accounts/deposits', { query: { page: '0', page_size: '5', customer_id: person } });
  await d.call('GET /v1/accounts/deposits/{}', { params: [usdA] });
  await d.call('PATCH /v1/accounts/deposits/{}', {
    params: [opened],
    body: { updates: [{ field: 'status', value: 'FROZEN' }], updated_by: 'conformance', reason: 'test' },
  });
  await d.call('POST /v1/accounts/deposits/{}/address', { params: [eth] });

  // ---- Counterparties
  const usCounterparty = dataOf(
    await d.call('POST /v1/counterparties', {
      body: {
        counterparty_type: 'FIAT_US',
        customer_id: person,
        supported_rails: ['ACH'],
        profile,
        account_information: { asset_type_id: USD, type: 'CHECKING', institution_address: bankAddress },
      },
    }),
  )?.id as string | undefined;
  await d.call('POST /v1/counterparties', {
    body: {
      counterparty_type: 'CRYPTO',
      customer_id: person,
      supported_rails: ['CRYPTO'],
      profile,
      wallet_information: { asset_type_id: ETH, blockchain_address: ETH_ADDRESS, wallet_type: 'OTHER', institution_address: bankAddress },
    },
  });
  const linked = dataOf(
    await d.call('POST /v1/counterparties', {
      body: {
        counterparty_type: 'FIAT_US_LINKED',
        customer_id: person,
        supported_rails: ['ACH'],
        profile,
        account_information: { asset_type_id: USD },
      },
    }),
  )?.id as string | undefined;
  await d.call('GET /v1/counterparties', { query: { page: '0', page_size: '10', customer_id: person } });
  await d.call('GET /v1/counterparties/{}', { params: [usCounterparty] });
  await d.call('PATCH /v1/counterparties/{}', {
    params: [usCounterparty],
    body: { updates: [{ field: 'description', value: 'Savings at Chase' }], updated_by: 'conformance', reason: 'label' },
  });
  const details = dataOf(await d.call('POST /v1/counterparties/{}/link/details', { params: [linked], body: { linking_provider: 'MX' } }));
  const member = details?.mx_widget_url ? (new URL(details.mx_widget_url).searchParams.get('member_guid') ?? undefined) : undefined;
  const linkable = dataOf(
    await d.call('POST /v1/counterparties/{}/link/accounts', {
      params: [linked],
      needs: [member],
      body: { linking_provider: 'MX', member_guid: member },
    }),
  );
  await d.call('POST /v1/counterparties/{}/link/connect', {
    params: [linked],
    needs: [linkable?.available_accounts?.[0]?.account_link_id],
    body: { linking_provider: 'MX', account_link_id: linkable?.available_accounts?.[0]?.account_link_id },
  });

  // ---- Deposits
  const push = dataOf(
    await d.call('POST /v1/deposits', { body: { deposit_type: 'PUSH', deposit_destination: { destination_account_id: usdB } } }),
  )?.id as string | undefined;
  const pull = dataOf(
    await d.call('POST /v1/deposits', {
      needs: [linked],
      body: {
        deposit_type: 'PULL',
        deposit_destination: { destination_account_id: usdB },
        deposit_source: { source_counterparty_id: linked },
        deposit_details: { amount: 25, reference: 'PULL1' },
      },
    }),
  )?.id as string | undefined;
  await d.call('POST /v1/deposits/{}/accept', { params: [pull] });
  await d.call('GET /v1/deposits/{}', { params: [push] });
  await d.call('GET /v1/deposits/{}', { params: [pull] });

  // ---- Transfers
  const transfer = dataOf(
    await d.call('POST /v1/transfers', {
      body: { source_account_id: usdA, destination_account_id: usdB, amount: 10, description: 'rent' },
    }),
  )?.id as string | undefined;
  await d.call('POST /v1/transfers/{}/accept', { params: [transfer] });
  await d.call('GET /v1/transfers/{}', { params: [transfer] });

  // ---- Exchanges
  const exchangeBody = { source_account_id: usdA, destination_account_id: eth, amount: 30, action: 'FIX_SOURCE', description: 'buy' };
  await d.call('POST /v1/exchanges/quote', { body: exchangeBody });
  const exchange = dataOf(await d.call('POST /v1/exchanges/market', { body: exchangeBody }))?.id as string | undefined;
  await d.call('POST /v1/exchanges/{}/accept', { params: [exchange], body: { maximum_slippage: 0.05 } });
  await d.call('GET /v1/exchanges/{}', { params: [exchange] });

  // ---- Withdrawals
  const withdrawalBody = {
    withdrawal_rail: 'ACH',
    source_account_id: usdA,
    destination_counterparty_id: usCounterparty,
    amount: 20,
    purpose: 'PERSONAL_ACCOUNT',
    memo: 'RENT',
  };
  const withdrawal = dataOf(await d.call('POST /v1/withdrawals', { needs: [usCounterparty], body: withdrawalBody }))?.id as
    | string
    | undefined;
  await d.call('POST /v1/withdrawals/{}/accept', { params: [withdrawal] });
  await d.call('GET /v1/withdrawals/{}', { params: [withdrawal] });
  await d.call('GET /v1/withdrawals/{}/status', { params: [withdrawal] });
  const toCancel = dataOf(await d.call('POST /v1/withdrawals', { needs: [usCounterparty], body: withdrawalBody }))?.id as
    | string
    | undefined;
  await d.call('POST /v1/withdrawals/{}/cancel', { params: [toCancel] });
  await d.call('GET /v1/withdrawals/{}', { params: [toCancel] });
  // Let the rails settle (the pull deposit and the withdrawal), in sandbox time.
  await d.send('POST', '/v1/simulations/clock', { advance_seconds: 3 * 86_400 });
  await d.call('GET /v1/withdrawals/{}', { params: [withdrawal] });
  await d.call('GET /v1/withdrawals/{}/receipt', { params: [withdrawal] });
  await d.call('GET /v1/deposits/{}', { params: [pull] });

  // ---- Transactions and statements
  const txs = dataOf(await d.call('GET /v1/accounts/deposits/{}/transactions', { params: [usdA], query: { page: '0', page_size: '50' } }));
  const txId = txs?.transactions?.[0]?.id as string | undefined;
  await d.call('GET /v1/accounts/deposits/{}/transactions/{}', { params: [usdA, txId] });
  await d.call('GET /v1/transactions', { query: { page: '0', page_size: '20', account_id: usdA } });
  await d.call('GET /v1/transactions/{}', { params: [txId] });
  const statements = dataOf(await d.call('GET /v1/accounts/deposits/{}/statements', { params: [usdA] }));
  await d.call('GET /v1/accounts/deposits/{}/statements/{}', { params: [usdA, statements?.statements?.[0]?.id] });

  // ---- Payment accounts (1.0.5) and settlements
  const paymentAccount = uid('pay');
  const paymentBody = {
    customer_id: person,
    account_to_open: { account_id: paymentAccount, product_id: 'PAYMENT_BASIC', asset_type_id: ETH },
  };
  // 1.1.2 has no payment-account operations, but still reads settlements: open one all the same.
  if (spec.op('POST /v1/accounts/payments')) await d.call('POST /v1/accounts/payments', { body: paymentBody });
  else await setup('POST', '/v1/accounts/payments', paymentBody);
  await d.call('GET /v1/accounts/payments', { query: { page: '0', page_size: '5' } });
  await d.call('GET /v1/accounts/payments/{}', { params: [paymentAccount] });
  const payor = uid('payor');
  await d.send('POST', `/v1/customers/${person}/payor`, {
    id: payor,
    first_name: 'Alan',
    last_name: 'Turing',
    state: 'NY',
    country_code: 'US',
  });
  const lease = dataOf(
    await d.call('POST /v1/accounts/payments/{}/address', {
      params: [paymentAccount],
      body: { amount: '0.5', payor_id: payor, payment_reference: 'INV-1' },
    }),
  );
  const leased =
    lease ??
    (spec.op('POST /v1/accounts/payments/{}/address')
      ? undefined
      : await setup('POST', `/v1/accounts/payments/${paymentAccount}/address`, { amount: '0.5', payor_id: payor }));
  if (leased?.wallet_address) {
    await d.send('POST', '/v1/simulations/deposits', {
      rail: 'CRYPTO',
      asset_type_id: ETH,
      amount: '0.5',
      wallet_address: leased.wallet_address,
    });
  }
  const payTxs = dataOf(await d.call('GET /v1/accounts/payments/{}/transactions', { params: [paymentAccount] }));
  await d.call('GET /v1/accounts/payments/{}/transactions/{}', { params: [paymentAccount, payTxs?.transactions?.[0]?.id] });
  // A settlement: the payment account's collected funds moved on (here, to the ETH deposit account).
  const sweep = await d.send('POST', '/v1/transfers', { source_account_id: paymentAccount, destination_account_id: eth, amount: '0.25' });
  const settlement = sweep.status === 200 ? (sweep.body.data.id as string) : undefined;
  if (settlement) await d.send('POST', `/v1/transfers/${settlement}/accept`);
  await d.call('GET /v1/settlements/{}', { params: [settlement], query: { source_account_id: paymentAccount } });
  await d.call('PATCH /v1/accounts/payments/{}', {
    params: [paymentAccount],
    body: { updates: [{ field: 'status', value: 'FROZEN' }], updated_by: 'conformance', reason: 'test' },
  });

  // ---- Payments (1.1.2)
  const payment = dataOf(
    await d.call('POST /v1/payments', {
      needs: [usCounterparty],
      body: {
        payment_source: { source_counterparty_id: usCounterparty, asset_type: [USD] },
        payment_destination: { destination_account_id: usdB },
        payment_info: { description: 'Invoice 42' },
      },
    }),
  )?.id as string | undefined;
  await d.call('POST /v1/payments/{}/accept', { params: [payment] });
  await d.call('GET /v1/payments/{}', { params: [payment] });
  await d.call('GET /v1/payments/{}/status', { params: [payment] });
  // A payer who is not the customer: the payment waits for an invoice (RFI) named by its status.
  const friend = (
    await setup('POST', '/v1/counterparties', {
      customer_id: person,
      counterparty_type: 'FIAT_US',
      supported_rails: ['ACH'],
      profile: { ...profile, name: 'Alan Turing', relationship_to_customer: 'FRIEND' },
      account_information: { asset_type_id: USD, account_number: '987654321', routing_number: '021000021', type: 'CHECKING' },
    })
  ).id as string;
  const invoiced = dataOf(
    await d.call('POST /v1/payments', {
      body: {
        payment_source: { source_counterparty_id: friend, asset_type: [USD] },
        payment_destination: { destination_account_id: usdB },
        payment_info: { description: 'Invoice 43' },
      },
    }),
  )?.id as string | undefined;
  const rfi = dataOf(await d.call('GET /v1/payments/{}/status', { params: [invoiced] }));
  const invoice = (rfi?.document_errors?.[0]?.document_id ?? rfi?.document_errors?.[0]?.id) as string | undefined;
  if (invoice) {
    const { body, contentType } = Driver.multipart(FILES.pdf, 'invoice.pdf');
    await d.call('POST /v1/documents/{}', {
      params: [invoice],
      raw: { body, contentType },
      query: spec.version === '1.1.2' ? { file: 'invoice.pdf' } : {},
    });
  }
  await d.call('POST /v1/payments/{}/accept', { params: [invoiced] });
  await d.call('GET /v1/payments/{}', { params: [invoiced] });

  // ---- Subscriptions
  await d.call('GET /v1/subscriptions');
  const subscription = dataOf(
    await d.call('POST /v1/subscriptions', { body: { event_type: 'APPLICATION_APPROVED', callback_url: 'https://example.com/hooks' } }),
  )?.id as string | undefined;
  await d.call('GET /v1/subscriptions');
  await d.call('DELETE /v1/subscriptions/{}', { params: [subscription] });

  return d;
}
