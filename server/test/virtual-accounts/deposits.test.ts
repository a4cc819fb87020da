/**
 * Money sent to a virtual account's details: ACTIVE credits exactly its account (a deposit naming
 * the virtual account); DISABLED and CLOSED refuse it with the contract's answer, record the
 * return and credit nothing; unknown details go to suspense. Balances asserted exactly, the
 * ledger verified.
 */
import { describe, expect, it } from 'vitest';
import { getApp, newTenant, operatorApi } from '../helpers.js';
import {
  agree,
  customerWithAccount,
  EUR,
  eventsOf,
  expectError,
  ok,
  openAccount,
  transactions,
  USD,
  verifyLedger,
} from '../money/_fixtures.js';
import { arrive, createVa, incomingOf, patchVa } from './_fixtures.js';

describe('a simulated deposit to virtual account details', () => {
  it('ACH details credit exactly that account, through a deposit naming the virtual account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const sibling = await openAccount(t, customerId, USD);
    const va = await createVa(t, accountId, { rail: 'ACH' });
    await createVa(t, sibling, { rail: 'ACH' }); // another virtual account, of the other account

    const inc = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '125.50',
      account_number: va.account_number,
      routing_number: va.routing_number,
    });
    expect(inc).toMatchObject({
      status: 'CREDITED',
      matched: true,
      returned: false,
      virtual_account_id: va.id,
      account_id: accountId,
      amount: '125.5',
      deposit_id: expect.stringMatching(/^dep_/),
      transaction_id: expect.stringMatching(/^txn_/),
    });
    expect(await agree(t, accountId, USD)).toEqual({ current: '125.5', available: '125.5' });
    expect(await agree(t, sibling, USD)).toEqual({ current: '0', available: '0' });

    const deposit = await ok(t.api.get(`/v1/deposits/${inc.deposit_id}`));
    expect(deposit).toMatchObject({
      id: inc.deposit_id,
      status: 'EXECUTED',
      deposit_type: 'PUSH',
      deposit_destination: { destination_account_id: accountId, asset_type_id: USD },
      received_total: '125.5',
      received_count: '1', // exact(): every number as its decimal text
      deposit_source: {
        virtual_account_id: va.id,
        deposit_instructions: [
          { instruction_type: 'ACH', asset_type_id: USD, account_number: va.account_number, account_routing_number: va.routing_number },
        ],
      },
    });
    const [txn] = await transactions(t.api, accountId);
    expect(txn).toMatchObject({ id: inc.transaction_id, value: '125.5', transaction_status: 'POSTED' });

    // A second payment to the same details is a second deposit.
    const again = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '0.25',
      account_number: va.account_number,
      routing_number: va.routing_number,
    });
    expect(again).toMatchObject({ status: 'CREDITED', account_id: accountId, virtual_account_id: va.id });
    expect(again.deposit_id).not.toBe(inc.deposit_id);
    expect(await agree(t, accountId, USD)).toEqual({ current: '125.75', available: '125.75' });
    expect((await incomingOf(t, va.id)).map((i) => [i.id, i.status, i.amount])).toEqual([
      [again.id, 'CREDITED', '0.25'],
      [inc.id, 'CREDITED', '125.5'],
    ]);
    await verifyLedger(app);
  });

  it('details receive only their own rail: ACH at FEDWIRE details (and FEDWIRE at ACH details) goes to suspense', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const wire = await createVa(t, accountId, { rail: 'FEDWIRE' });
    const ach = await createVa(t, accountId, { rail: 'ACH' });
    const to = (va: Record<string, any>) => ({ account_number: va.account_number, routing_number: va.routing_number });

    const achAtWire = await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '70', ...to(wire) });
    expect(achAtWire).toMatchObject({
      status: 'SUSPENSE',
      matched: false,
      returned: false,
      reason: `virtual account ${wire.id} receives FEDWIRE, not ACH`,
      account_id: null,
      virtual_account_id: null,
      deposit_id: null,
      transaction_id: null,
    });
    const wireAtAch = await arrive(t, { rail: 'FEDWIRE', asset_type_id: USD, amount: '30', ...to(ach) });
    expect(wireAtAch).toMatchObject({ status: 'SUSPENSE', matched: false, reason: `virtual account ${ach.id} receives ACH, not FEDWIRE` });
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    expect(await transactions(t.api, accountId)).toEqual([]);
    expect(await incomingOf(t, wire.id)).toEqual([]);
    const suspense = (await ok((await operatorApi(app)).get('/v1/admin/suspense'))).items as { id: string; amount: string }[];
    expect(
      suspense
        .filter((i) => i.id === achAtWire.id || i.id === wireAtAch.id)
        .map((i) => i.amount)
        .sort(),
    ).toEqual(['30', '70']);

    // On their own rail the same details credit.
    expect(await arrive(t, { rail: 'FEDWIRE', asset_type_id: USD, amount: '70', ...to(wire) })).toMatchObject({
      status: 'CREDITED',
      virtual_account_id: wire.id,
    });
    expect(await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '30', ...to(ach) })).toMatchObject({
      status: 'CREDITED',
      virtual_account_id: ach.id,
    });
    expect(await agree(t, accountId, USD)).toEqual({ current: '100', available: '100' });
    await verifyLedger(app);
  });

  it('an IBAN credits exactly its EUR account (written with spaces and in lower case too)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId: usdAccount } = await customerWithAccount(t, USD);
    const eurAccount = await openAccount(t, customerId, EUR);
    const otherEur = await openAccount(t, customerId, EUR);
    const va = await createVa(t, eurAccount, { rail: 'SEPA_CT' });
    await createVa(t, otherEur, { rail: 'SEPA_CT' });

    const inc = await arrive(t, { rail: 'SEPA_CT', asset_type_id: EUR, amount: 1000, iban: va.iban });
    expect(inc).toMatchObject({ status: 'CREDITED', matched: true, account_id: eurAccount, virtual_account_id: va.id, amount: '1000' });
    const spaced = (va.iban as string)
      .toLowerCase()
      .replace(/(.{4})/g, '$1 ')
      .trim();
    const second = await arrive(t, { rail: 'SEPA_CT', asset_type_id: EUR, amount: '0.01', iban: spaced });
    expect(second).toMatchObject({ status: 'CREDITED', account_id: eurAccount, virtual_account_id: va.id });

    expect(await agree(t, eurAccount, EUR)).toEqual({ current: '1000.01', available: '1000.01' });
    expect(await agree(t, otherEur, EUR)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, usdAccount, USD)).toEqual({ current: '0', available: '0' });
    const deposit = await ok(t.api.get(`/v1/deposits/${inc.deposit_id}`));
    expect(deposit.deposit_source.virtual_account_id).toBe(va.id);
    expect(deposit.received_total).toBe('1000');
    await verifyLedger(app);
  });

  it('DISABLED details refuse the funds with the exact answer, record the return and credit nothing; re-enabled, they credit again', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'ACH' });
    const send = (amount: string) =>
      t.api.post('/v1/simulations/deposits', {
        rail: 'ACH',
        asset_type_id: USD,
        amount,
        account_number: va.account_number,
        routing_number: va.routing_number,
      });

    expect(await patchVa(t, va.id, { status: 'DISABLED' })).toMatchObject({ status: 'DISABLED' });
    const res = await send('40');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        id: expect.stringMatching(/^inc_/),
        matched: true,
        returned: true,
        return_reason: 'ACCOUNT_DISABLED',
        virtual_account_id: va.id,
      },
    });
    const returnId = res.body.data.id as string;
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    expect(await transactions(t.api, accountId)).toEqual([]);
    expect((await ok(t.api.get(`/v1/deposits?account_id=${accountId}`))).deposits).toEqual([]);
    // The return is recorded and listed under the virtual account; the operator's suspense has nothing of it.
    expect(await incomingOf(t, va.id)).toEqual([
      expect.objectContaining({
        id: returnId,
        status: 'RETURNED',
        matched: true,
        returned: true,
        return_reason: 'ACCOUNT_DISABLED',
        virtual_account_id: va.id,
        account_id: accountId,
        amount: '40',
        deposit_id: null,
        transaction_id: null,
      }),
    ]);
    const suspense = (await ok((await operatorApi(app)).get('/v1/admin/suspense'))).items as { id: string }[];
    expect(suspense.some((i) => i.id === returnId)).toBe(false);
    // The client is told, by an event written with the return.
    const told = await ok(t.api.get(`/v1/events?resource_id=${returnId}`));
    expect(told.events).toEqual([
      expect.objectContaining({
        event_type: 'VIRTUAL_ACCOUNT_PAYMENT_RETURNED',
        resource_type: 'incoming_payment',
        resource_id: returnId,
        event_data: { incoming_payment: { id: returnId, status: 'RETURNED', virtual_account_id: va.id } },
      }),
    ]);

    // Re-enabled: the same details credit the account again.
    expect(await patchVa(t, va.id, { status: 'ACTIVE' })).toMatchObject({ status: 'ACTIVE' });
    const credited = await ok(send('40'));
    expect(credited).toMatchObject({ status: 'CREDITED', account_id: accountId, virtual_account_id: va.id });
    expect(await agree(t, accountId, USD)).toEqual({ current: '40', available: '40' });
    expect((await incomingOf(t, va.id)).map((i) => i.status)).toEqual(['CREDITED', 'RETURNED']);
    await verifyLedger(app);
  });

  it('CLOSED details refuse the funds (ACCOUNT_CLOSED) and CLOSED is terminal', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId: usdAccount } = await customerWithAccount(t, USD);
    const eurAccount = await openAccount(t, customerId, EUR);
    const va = await createVa(t, eurAccount, { rail: 'SEPA_CT', name: 'old' });
    expect(await patchVa(t, va.id, { status: 'CLOSED' })).toMatchObject({ status: 'CLOSED', iban: va.iban });

    const res = await t.api.post('/v1/simulations/deposits', { rail: 'SEPA_CT', asset_type_id: EUR, amount: '9.99', iban: va.iban });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        id: expect.stringMatching(/^inc_/),
        matched: true,
        returned: true,
        return_reason: 'ACCOUNT_CLOSED',
        virtual_account_id: va.id,
      },
    });
    expect(await agree(t, eurAccount, EUR)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, usdAccount, USD)).toEqual({ current: '0', available: '0' });
    expect(await incomingOf(t, va.id)).toEqual([
      expect.objectContaining({ id: res.body.data.id, status: 'RETURNED', return_reason: 'ACCOUNT_CLOSED', amount: '9.99' }),
    ]);
    expect(await eventsOf(app, t.clientId, res.body.data.id)).toEqual([
      {
        type: 'VIRTUAL_ACCOUNT_PAYMENT_RETURNED',
        data: { incoming_payment: { id: res.body.data.id, status: 'RETURNED', virtual_account_id: va.id } },
      },
    ]);

    for (const status of ['ACTIVE', 'DISABLED']) {
      expectError(await t.api.patch(`/v1/virtual-accounts/${va.id}`, { status }), 400, 'INVALID_STATUS_TRANSITION');
      expectError(
        await t.api.patch(`/v1/virtual-accounts/${va.id}`, { updates: [{ field: 'status', value: status }], reason: 'try' }),
        400,
        'INVALID_STATUS_TRANSITION',
      );
    }
    expectError(await t.api.patch(`/v1/virtual-accounts/${va.id}`, { name: 'new' }), 400, 'NOT_UPDATABLE', 'name');
    expect((await ok(t.api.get(`/v1/virtual-accounts/${va.id}`))).status).toBe('CLOSED');
    await verifyLedger(app);
  });

  it('unknown details, details in another asset, or an account that cannot receive go to suspense', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const va = await createVa(t, accountId, { rail: 'ACH' });
    const unknown = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '5',
      account_number: '9999999999',
      routing_number: va.routing_number,
    });
    expect(unknown).toMatchObject({
      status: 'SUSPENSE',
      matched: false,
      returned: false,
      reason: 'no virtual account of this client has these details',
      account_id: null,
      virtual_account_id: null,
    });
    const wrongBank = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '5',
      account_number: va.account_number,
      routing_number: '021000021',
    });
    expect(wrongBank).toMatchObject({ status: 'SUSPENSE', matched: false });
    const mainnet = await arrive(t, {
      rail: 'ACH',
      asset_type_id: 'FIAT_MAINNET_USD',
      amount: '5',
      account_number: va.account_number,
      routing_number: va.routing_number,
    });
    expect(mainnet).toMatchObject({ status: 'SUSPENSE', reason: `virtual account ${va.id} receives ${USD}` });
    const unknownIban = await arrive(t, { rail: 'SEPA_CT', asset_type_id: EUR, amount: '5', iban: 'DE89370400440532013000' });
    expect(unknownIban).toMatchObject({ status: 'SUSPENSE', matched: false });
    await ok(t.api.patch(`/v1/accounts/deposits/${accountId}`, { status: 'FROZEN' }));
    const frozen = await arrive(t, {
      rail: 'ACH',
      asset_type_id: USD,
      amount: '5',
      account_number: va.account_number,
      routing_number: va.routing_number,
    });
    expect(frozen).toMatchObject({ status: 'SUSPENSE', reason: `account ${accountId} is FROZEN and cannot receive` });
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    expect(await incomingOf(t, va.id)).toEqual([]);
    await verifyLedger(app);
  });
});
