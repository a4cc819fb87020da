/**
 * The withdrawal receipt PDF as a customer reads it (issue 14): read back as text with
 * pdfjs-dist. Time is a manual clock moved through the sandbox clock route.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { individualBody, makeApp, newTenant, type Tenant, uid } from '../helpers.js';
import { manualClock } from '../ledger/_fixtures.js';
import { expectEmbeddedUnicodeFont, getPdf } from '../pdf.js';
import {
  advance,
  cryptoCounterparty,
  ETH,
  ETH_ADDRESS,
  fund,
  newCustomer,
  ok,
  openAccount,
  transactions,
  USD,
  usCounterparty,
  verifyLedger,
} from './_fixtures.js';

const NAME = { first_name: 'Zoë', middle_name: 'Ada', last_name: 'Łukasiewicz-Ωμέγα' };
const ADDRESS = { address_line1: 'ул. Тверская, 7', city: 'Москва', postal_code: '125009', country_code: 'RU' };
const DESCRIPTION = 'Czynsz Łódź: 1 234,56 € — Ωμέγα, Привет';

let app: FastifyInstance;
let t: Tenant;
let customerId: string;

/** "2031-03-14T09:41:01.000Z" -> "2031-03-14 09:41 UTC", as the receipt prints times. */
const printedTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

const receiptPdf = (id: string) => getPdf(t.api, `/v1/withdrawals/${id}/receipt`);

async function withdraw(accountId: string, cp: string, body: Record<string, unknown>) {
  const w = await ok(
    t.api.post('/v1/withdrawals', { source_account_id: accountId, destination_counterparty_id: cp, purpose: 'PERSONAL_ACCOUNT', ...body }),
  );
  await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`));
  return w.id as string;
}

beforeAll(async () => {
  app = await makeApp(
    { INSTITUTION_NAME: 'Ledgerline Bank Polska S.A.', INSTITUTION_ADDRESS: 'ul. Piotrkowska 1; 90-001 Łódź; Poland' },
    { clock: manualClock(Date.UTC(2031, 2, 14, 9, 30)) },
  );
  t = await newTenant(app);
  customerId = await newCustomer(t, individualBody(uid(), { ...NAME, mailing_address: ADDRESS }));
});
afterAll(async () => {
  await verifyLedger(app);
  await app.close();
});

describe('withdrawal receipt PDF', () => {
  it('an executed ACH withdrawal: institution, holder, masked account, asset, amount, counterparty, dates, reference, page', async () => {
    const accountId = await openAccount(t, customerId, USD);
    await fund(t, accountId, '5000');
    const cp = await usCounterparty(t, customerId, { name: 'Grzegorz Brzęczyszczykiewicz' });
    const id = await withdraw(accountId, cp, { withdrawal_rail: 'ACH', amount: '1234.56', description: DESCRIPTION, memo: 'RENT' });
    await advance(t, 61);
    await advance(t, 600);
    const json = await ok(t.api.get(`/v1/withdrawals/${id}/receipt`));
    expect([json.status, json.amount]).toEqual(['EXECUTED', '1234.56']);
    const [posted] = (await transactions(t.api, accountId)).filter((x) => x.category_id === id && x.transaction_status === 'POSTED');
    expect([posted?.value, posted?.balance_after]).toEqual(['-1234.56', '3765.44']); // the ledger agrees to the cent

    const pdf = await receiptPdf(id);
    expect(pdf.numPages).toBe(1);
    expect(pdf.pages[0]?.at(-1)).toMatch(
      new RegExp(`^Ledgerline Bank Polska S\\.A\\. · Withdrawal receipt ${id} · Generated .* Page 1 of 1$`),
    );
    for (const line of [
      'Ledgerline Bank Polska S.A.',
      'ul. Piotrkowska 1',
      '90-001 Łódź',
      'Withdrawal receipt',
      'Zoë Ada Łukasiewicz-Ωμέγα',
      'ул. Тверская, 7',
      'Москва, 125009',
      'Russia',
      `Account number ****${accountId.slice(-4)}`,
      'Currency USD — US Dollar',
      'Amount 1,234.56 USD',
      `Reference ${id}`,
      'Status Executed',
      'Rail ACH',
      `Rail reference ${json.rail_reference}`,
      'Purpose Personal account',
      `Description ${DESCRIPTION}`,
      'Memo RENT',
      'Name Grzegorz Brzęczyszczykiewicz',
      'Account number *****6789',
      'Institution JPMorgan Chase Bank',
      `Counterparty ${cp}`,
      `Requested ${printedTime(json.created_timestamp)}`,
      `Authorized ${printedTime(json.accepted_timestamp)}`,
      `Executed ${printedTime(json.executed_timestamp)}`,
    ]) {
      expect(pdf.text).toContain(line);
    }
    expect(pdf.flat).toContain(
      `Ledgerline Bank Polska S.A. confirms that 1,234.56 USD left account ****${accountId.slice(-4)} on ${printedTime(json.executed_timestamp)}`,
    );
    expect(pdf.text).not.toContain(accountId);
    expect(pdf.text).not.toContain(USD);
    expect(pdf.text).not.toMatch(/Returned/);
    expectEmbeddedUnicodeFont(pdf);
  });

  it('a returned withdrawal says so: status, return date and reason, the amount credited back', async () => {
    const accountId = await openAccount(t, customerId, USD);
    await fund(t, accountId, '500');
    const cp = await usCounterparty(t, customerId);
    const id = await withdraw(accountId, cp, { withdrawal_rail: 'FEDWIRE', amount: '100.25' });
    await ok(t.api.post(`/v1/simulations/withdrawals/${id}/settle`, {}));
    const back = await ok(t.api.post(`/v1/simulations/withdrawals/${id}/return`, { reason: 'Konto zamknięte — account closed' }));
    const text = (await receiptPdf(id)).flat;
    for (const line of [
      'Status Returned',
      'Rail Fedwire',
      'Return reason Konto zamknięte — account closed',
      `Returned ${printedTime(back.returned_timestamp)}`,
      `and 100.25 USD was credited back to account ****${accountId.slice(-4)}.`,
    ]) {
      expect(text).toContain(line);
    }
  });

  it('a crypto withdrawal prints every decimal of an 18-decimal asset and the wallet address', async () => {
    const accountId = await openAccount(t, customerId, ETH);
    await fund(t, accountId, '1500.000000000000000001');
    const cp = await cryptoCounterparty(t, customerId);
    const id = await withdraw(accountId, cp, { withdrawal_rail: 'CRYPTO', amount: '1000.000000000000000001' });
    await advance(t, 61);
    await advance(t, 61);
    const text = (await receiptPdf(id)).text;
    for (const line of [
      'Currency ETH — Ether (Ethereum Sepolia)',
      'Amount 1,000.000000000000000001 ETH',
      'Rail Blockchain transfer',
      `Wallet address ${ETH_ADDRESS}`,
    ]) {
      expect(text).toContain(line);
    }
  });

  it('is 400 before execution and 404 for another tenant, as the JSON receipt', async () => {
    const accountId = await openAccount(t, customerId, USD);
    await fund(t, accountId, '50');
    const id = await withdraw(accountId, await usCounterparty(t, customerId), { withdrawal_rail: 'ACH', amount: '5' });
    const pdf = (api = t.api) =>
      app.inject({
        method: 'GET',
        url: `/v1/withdrawals/${id}/receipt`,
        headers: { authorization: `Bearer ${api.token}`, accept: 'application/pdf' },
      });
    expect([(await pdf()).statusCode, (await pdf()).json().errors[0].code]).toEqual([400, 'INVALID_STATUS_TRANSITION']);
    const stranger = await newTenant(app);
    expect((await pdf(stranger.api)).statusCode).toBe(404);
  });
});
