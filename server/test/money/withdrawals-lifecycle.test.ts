import { describe, expect, it } from 'vitest';
import { getFrozenApp, newTenant, setClockOffset, type Tenant } from '../helpers.js';
import {
  advance,
  agree,
  customerWithAccount,
  eventsOf,
  expectError,
  fund,
  ok,
  transactions,
  USD,
  usCounterparty,
  verifyLedger,
} from './_fixtures.js';

type Body = Record<string, unknown>;

/** A tenant, a USD account holding `funded`, and a SELF FIAT_US counterparty (ACH, FEDWIRE). */
async function setup(funded = '500') {
  const app = await getFrozenApp();
  const t = await newTenant(app);
  const { customerId, accountId } = await customerWithAccount(t, USD);
  await fund(t, accountId, funded);
  return { app, t, customerId, accountId, cp: await usCounterparty(t, customerId) };
}

const create = (t: Tenant, accountId: string, cp: string, extra: Body = {}) =>
  t.api.post('/v1/withdrawals', {
    withdrawal_rail: 'ACH',
    source_account_id: accountId,
    destination_counterparty_id: cp,
    amount: '100.25',
    purpose: 'PERSONAL_ACCOUNT',
    description: 'to my checking',
    memo: 'RENT',
    ...extra,
  });

const get = (t: Tenant, id: string) => ok(t.api.get(`/v1/withdrawals/${id}`));
const sim = (t: Tenant, id: string, action: string, body: Body = {}) => t.api.post(`/v1/simulations/withdrawals/${id}/${action}`, body);
const holdOf = async (t: Tenant, accountId: string, id: string) =>
  (await transactions(t.api, accountId)).filter((x) => x.category_id === id && x.transaction_type === 'TRANSFER_OUT');

describe('withdrawals: the happy path', () => {
  it('REQUESTED -> AUTHORIZED (hold) -> IN_PROGRESS (+61 s) -> EXECUTED (+ACH delay); receipt JSON and PDF', async () => {
    const { app, t, accountId, cp } = await setup();
    const w = await ok(create(t, accountId, cp));
    expect(w).toMatchObject({
      status: 'REQUESTED',
      withdrawal_rail: 'ACH',
      source_account_id: accountId,
      destination_counterparty_id: cp,
      asset_type_id: USD,
      amount: '100.25',
      purpose: 'PERSONAL_ACCOUNT',
      memo: 'RENT',
    });
    expect(Date.parse(w.valid_until) - Date.parse(w.created_timestamp)).toBe(900_000);
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    expectError(await t.api.get(`/v1/withdrawals/${w.id}/receipt`), 400, 'INVALID_STATUS_TRANSITION');

    const accepted = await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`));
    expect(accepted).toMatchObject({ status: 'AUTHORIZED', accepted_timestamp: expect.any(String) });
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '399.75' });
    const [hold] = await holdOf(t, accountId, w.id);
    expect(hold).toMatchObject({ value: '-100.25', transaction_status: 'AUTHORIZED', category_type: 'WITHDRAWAL' });
    expectError(await t.api.get(`/v1/withdrawals/${w.id}/receipt`), 400, 'INVALID_STATUS_TRANSITION');

    await advance(t, 61);
    const sent = await get(t, w.id);
    expect(sent.status).toBe('IN_PROGRESS');
    expect(sent.rail_reference).toMatch(/^\d{15}$/);
    expect((await holdOf(t, accountId, w.id)).map((x) => x.transaction_status)).toEqual(['PENDING']);
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '399.75' });
    expectError(await t.api.post(`/v1/withdrawals/${w.id}/cancel`), 400, 'INVALID_STATUS_TRANSITION');

    await advance(t, 598);
    expect((await get(t, w.id)).status).toBe('IN_PROGRESS');
    await advance(t, 2);
    const done = await get(t, w.id);
    expect(done).toMatchObject({ status: 'EXECUTED', rail_reference: sent.rail_reference, executed_timestamp: expect.any(String) });
    const rows = await holdOf(t, accountId, w.id);
    const posted = rows.find((x) => x.transaction_status === 'POSTED');
    expect(posted).toMatchObject({ value: '-100.25', balance_after: '399.75', rail: 'ACH', rail_reference: sent.rail_reference });
    expect(rows.find((x) => x.id === hold?.id)?.transaction_status).toBe('CANCELLED');
    expect((await eventsOf(app, t.clientId, hold?.id)).map((e) => e.type)).toEqual(['TRANSACTION_AUTHORIZED', 'TRANSACTION_PENDING']);
    expect(await eventsOf(app, t.clientId, posted?.id)).toEqual([
      {
        type: 'TRANSACTION_POSTED',
        data: { transaction: { id: posted?.id, status: 'POSTED', account_id: accountId, category_type: 'WITHDRAWAL', category_id: w.id } },
      },
    ]);

    const receipt = await ok(t.api.get(`/v1/withdrawals/${w.id}/receipt`, { accept: 'application/json' }));
    expect(receipt).toMatchObject({ ...done, amount: '100.25' });
    expect(receipt.beneficiary).toEqual({
      counterparty_id: cp,
      name: 'Grace Hopper',
      account_number: '*****6789',
      institution_name: 'JPMorgan Chase Bank',
      wallet_address: undefined,
    });
    const pdf = await t.api.get(`/v1/withdrawals/${w.id}/receipt`, { accept: 'application/pdf' });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/^application\/pdf/);
    expect(pdf.raw.startsWith('%PDF-')).toBe(true);
    expect(await agree(t, accountId, USD)).toEqual({ current: '399.75', available: '399.75' });
    await verifyLedger(app);
  });
});

describe('withdrawals: cancel, fail, return, expiry', () => {
  it('cancel REQUESTED -> CANCELLED (accept then refused); cancel AUTHORIZED -> CANCELLED, hold released', async () => {
    const { app, t, accountId, cp } = await setup();
    const a = await ok(create(t, accountId, cp));
    expect((await ok(t.api.post(`/v1/withdrawals/${a.id}/cancel`))).status).toBe('CANCELLED');
    expectError(await t.api.post(`/v1/withdrawals/${a.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.post(`/v1/withdrawals/${a.id}/cancel`), 400, 'INVALID_STATUS_TRANSITION');

    const b = await ok(create(t, accountId, cp, { amount: '200' }));
    await ok(t.api.post(`/v1/withdrawals/${b.id}/accept`));
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '300' });
    expect((await ok(t.api.post(`/v1/withdrawals/${b.id}/cancel`))).status).toBe('CANCELLED');
    const [hold] = await holdOf(t, accountId, b.id);
    expect(hold).toMatchObject({ value: '-200', transaction_status: 'CANCELLED' });
    expect((await eventsOf(app, t.clientId, hold?.id)).map((e) => e.type)).toEqual(['TRANSACTION_AUTHORIZED', 'TRANSACTION_CANCELLED']);
    await advance(t, 700);
    expect((await get(t, b.id)).status).toBe('CANCELLED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    await verifyLedger(app);
  });

  it('the rail fails it (AUTHORIZED or IN_PROGRESS): FAILED, available restored', async () => {
    const { app, t, accountId, cp } = await setup();
    const a = await ok(create(t, accountId, cp, { amount: '50' }));
    const b = await ok(create(t, accountId, cp, { amount: '70' }));
    expectError(await sim(t, a.id, 'fail'), 400, 'INVALID_STATUS_TRANSITION');
    await ok(t.api.post(`/v1/withdrawals/${a.id}/accept`));
    await ok(t.api.post(`/v1/withdrawals/${b.id}/accept`));
    expect((await ok(sim(t, a.id, 'fail'))).failure_reason).toBe('rejected by the beneficiary bank');
    await advance(t, 61);
    expect((await get(t, b.id)).status).toBe('IN_PROGRESS');
    expect(await ok(sim(t, b.id, 'fail', { reason: 'account closed' }))).toMatchObject({
      status: 'FAILED',
      failure_reason: 'account closed',
    });
    expectError(await sim(t, b.id, 'settle'), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.get(`/v1/withdrawals/${b.id}/receipt`), 400, 'INVALID_STATUS_TRANSITION');
    expect((await holdOf(t, accountId, b.id)).map((x) => x.transaction_status)).toEqual(['CANCELLED']);
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    await verifyLedger(app);
  });

  it('returned after EXECUTED: RETURNED, FIAT_TRANSFER_OUT_RETURN credit, balance restored; receipt still available', async () => {
    const { app, t, accountId, cp } = await setup();
    const w = await ok(
      create(t, accountId, cp, { withdrawal_rail: 'FEDWIRE', memo: 'a 50 character fedwire memo is fine here, 12345678' }),
    );
    expectError(await sim(t, w.id, 'return'), 400, 'INVALID_STATUS_TRANSITION');
    await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`));
    expect((await ok(sim(t, w.id, 'settle'))).status).toBe('EXECUTED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '399.75', available: '399.75' });
    const back = await ok(sim(t, w.id, 'return', { reason: 'beneficiary unknown' }));
    expect(back).toMatchObject({ status: 'RETURNED', failure_reason: 'beneficiary unknown', returned_timestamp: expect.any(String) });
    const ret = (await transactions(t.api, accountId)).filter((x) => x.transaction_type === 'FIAT_TRANSFER_OUT_RETURN');
    expect(ret).toMatchObject([
      { value: '100.25', transaction_status: 'POSTED', category_type: 'WITHDRAWAL', category_id: w.id, balance_after: '500' },
    ]);
    expect((await eventsOf(app, t.clientId, ret[0]?.id)).map((e) => e.type)).toEqual(['TRANSACTION_POSTED']);
    expect((await ok(t.api.get(`/v1/withdrawals/${w.id}/receipt`, { accept: 'application/json' }))).status).toBe('RETURNED');
    expectError(await sim(t, w.id, 'return'), 400, 'INVALID_STATUS_TRANSITION');
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    await verifyLedger(app);
  });

  it('unaccepted past valid_until: the clock expires it (accept -> EXPIRED, as before the sweep)', async () => {
    const { app, t, accountId, cp } = await setup();
    const w = await ok(create(t, accountId, cp));
    await advance(t, 899);
    expect((await get(t, w.id)).status).toBe('REQUESTED');
    const clock = await advance(t, 2);
    expect(clock.processed.withdrawals).toBe('1');
    expect((await get(t, w.id)).status).toBe('EXPIRED');
    expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 400, 'EXPIRED');
    expectError(await t.api.post(`/v1/withdrawals/${w.id}/cancel`), 400, 'EXPIRED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    await verifyLedger(app);
  });

  it('accepted after valid_until before the clock ran: 400 EXPIRED, and it is EXPIRED', async () => {
    const { app, t, accountId, cp } = await setup();
    const w = await ok(create(t, accountId, cp));
    // Time passes for this client (its sandbox clock); the due work has not run yet.
    await setClockOffset(app, t.clientId, 901_000);
    expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 400, 'EXPIRED');
    expect((await get(t, w.id)).status).toBe('EXPIRED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '500', available: '500' });
    await verifyLedger(app);
  });
});
