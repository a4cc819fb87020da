import { describe, expect, it } from 'vitest';
import { getFrozenApp, newTenant, type Tenant } from '../helpers.js';
import {
  advance,
  agree,
  customerWithAccount,
  ETH,
  EUR,
  eventsOf,
  expectError,
  fund,
  linkedCounterparty,
  ok,
  openAccount,
  setStatus,
  transactions,
  USD,
  usCounterparty,
  verifyLedger,
} from './_fixtures.js';

const pull = (t: Tenant, accountId: string, counterpartyId: string, amount: string, reference = 'rent june') =>
  t.api.post('/v1/deposits', {
    deposit_type: 'PULL',
    deposit_destination: { destination_account_id: accountId },
    deposit_source: { source_counterparty_id: counterpartyId },
    deposit_details: { amount, reference },
  });

/** A tenant with a USD account holding `funded` and a linked counterparty of the same customer. */
async function setup(funded?: string) {
  const app = await getFrozenApp();
  const t = await newTenant(app);
  const { customerId, accountId } = await customerWithAccount(t, USD);
  if (funded) await fund(t, accountId, funded);
  return { app, t, customerId, accountId, cp: await linkedCounterparty(t, customerId) };
}

describe('PULL deposits from a linked counterparty', () => {
  it('REQUESTED -> accept (PENDING credit, balances unchanged) -> rail delay -> EXECUTED (POSTED, balance up)', async () => {
    const { app, t, accountId, cp } = await setup('10');
    const dep = await ok(pull(t, accountId, cp, '250.75'));
    expect(dep).toMatchObject({
      status: 'REQUESTED',
      deposit_type: 'PULL',
      deposit_destination: { destination_account_id: accountId, asset_type_id: USD },
      deposit_source: { source_counterparty_id: cp, asset_type_id: USD },
      deposit_details: { amount: '250.75', reference: 'rent june' },
      received_total: '0',
      settle_at: null,
    });
    const accepted = await ok(t.api.post(`/v1/deposits/${dep.id}/accept`));
    expect(accepted.status).toBe('ACCEPTED');
    expect(accepted.settle_at).toEqual(expect.any(String));
    expect(await agree(t, accountId, USD)).toEqual({ current: '10', available: '10' });
    const pending = (await transactions(t.api, accountId)).filter((x) => x.category_id === dep.id);
    expect(pending).toMatchObject([
      {
        value: '250.75',
        transaction_status: 'PENDING',
        transaction_type: 'TRANSFER_IN',
        category_type: 'DEPOSIT',
        transaction_posted_date: null,
      },
    ]);
    expect((await eventsOf(app, t.clientId, pending[0]?.id)).map((e) => e.type)).toEqual(['TRANSACTION_PENDING']);
    expectError(await t.api.post(`/v1/deposits/${dep.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');

    await advance(t, 179);
    expect((await ok(t.api.get(`/v1/deposits/${dep.id}`))).status).toBe('ACCEPTED');
    const clock = await advance(t, 2);
    expect(clock.processed.pull_deposits).toBe('1');
    const done = await ok(t.api.get(`/v1/deposits/${dep.id}`));
    expect(done).toMatchObject({ status: 'EXECUTED', received_total: '250.75', received_count: '1', executed_timestamp: done.settle_at });
    const rows = (await transactions(t.api, accountId)).filter((x) => x.category_id === dep.id);
    const posted = rows.find((x) => x.transaction_status === 'POSTED');
    expect(posted).toMatchObject({ value: '250.75', transaction_type: 'TRANSFER_IN', category_type: 'DEPOSIT', balance_after: '260.75' });
    expect(rows.filter((x) => x.id === pending[0]?.id).map((x) => x.transaction_status)).toEqual(['CANCELLED']);
    expect((await eventsOf(app, t.clientId, posted?.id)).map((e) => e.type)).toEqual(['TRANSACTION_POSTED']);
    expect(await agree(t, accountId, USD)).toEqual({ current: '260.75', available: '260.75' });
    await verifyLedger(app);
  });

  it('returned in flight: RETURNED, nothing credited, the pending credit is cancelled (with its event)', async () => {
    const { app, t, accountId, cp } = await setup();
    const dep = await ok(pull(t, accountId, cp, '80'));
    await ok(t.api.post(`/v1/deposits/${dep.id}/accept`));
    const back = await ok(t.api.post(`/v1/simulations/deposits/${dep.id}/return`, { reason: 'R01 insufficient funds' }));
    expect(back).toMatchObject({ status: 'RETURNED', failure_reason: 'R01 insufficient funds', received_total: '0' });
    await advance(t, 600);
    expect((await ok(t.api.get(`/v1/deposits/${dep.id}`))).status).toBe('RETURNED');
    const rows = (await transactions(t.api, accountId)).filter((x) => x.category_id === dep.id);
    expect(rows.map((x) => [x.value, x.transaction_status])).toEqual([['80', 'CANCELLED']]);
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    expectError(await t.api.post(`/v1/simulations/deposits/${dep.id}/return`), 400, 'INVALID_STATUS_TRANSITION');
    await verifyLedger(app);
    // Every other way a hold ends announces it (withdrawal cancel/fail: TRANSACTION_CANCELLED).
    expect((await eventsOf(app, t.clientId, rows[0]?.id)).map((e) => e.type)).toEqual(['TRANSACTION_PENDING', 'TRANSACTION_CANCELLED']);
  });

  it('returned after settlement: a FIAT_TRANSFER_IN_RETURN debit takes it back', async () => {
    const { app, t, accountId, cp } = await setup('5');
    const dep = await ok(pull(t, accountId, cp, '120.5'));
    await ok(t.api.post(`/v1/deposits/${dep.id}/accept`));
    await advance(t, 181);
    expect(await agree(t, accountId, USD)).toEqual({ current: '125.5', available: '125.5' });
    const back = await ok(t.api.post(`/v1/simulations/deposits/${dep.id}/return`, {}));
    expect(back).toMatchObject({ status: 'RETURNED', failure_reason: 'returned by the rail' });
    const ret = (await transactions(t.api, accountId)).filter((x) => x.transaction_type === 'FIAT_TRANSFER_IN_RETURN');
    expect(ret).toMatchObject([
      { value: '-120.5', transaction_status: 'POSTED', category_type: 'DEPOSIT', category_id: dep.id, balance_after: '5' },
    ]);
    expect((await eventsOf(app, t.clientId, ret[0]?.id)).map((e) => e.type)).toEqual(['TRANSACTION_POSTED']);
    expect(await agree(t, accountId, USD)).toEqual({ current: '5', available: '5' });
    await verifyLedger(app);
  });

  it('a return after the money was spent is refused (INSUFFICIENT_FUNDS) and changes nothing', async () => {
    const { app, t, accountId, cp } = await setup();
    const dep = await ok(pull(t, accountId, cp, '100'));
    await ok(t.api.post(`/v1/deposits/${dep.id}/accept`));
    await advance(t, 181);
    await ok(
      t.operator.post('/v1/admin/adjustments', {
        account_id: accountId,
        amount: '30',
        transaction_type: 'DEBIT_CORRECTION',
        reason: 'spent',
      }),
    );
    expectError(await t.api.post(`/v1/simulations/deposits/${dep.id}/return`), 400, 'INSUFFICIENT_FUNDS');
    expect((await ok(t.api.get(`/v1/deposits/${dep.id}`))).status).toBe('EXECUTED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '70', available: '70' });
    await verifyLedger(app);
  });
});

describe('PULL deposits: refusals', () => {
  it('unlinked or non-linked counterparty, unknown counterparty, non-USD account, precision, PUSH accept/return', async () => {
    const { app, t, customerId, accountId, cp } = await setup();
    const unlinked = await linkedCounterparty(t, customerId, false);
    const plain = await usCounterparty(t, customerId);
    for (const id of [unlinked, plain]) {
      expectError(await pull(t, accountId, id, '10'), 400, 'VALIDATION_ERROR', 'deposit_source.source_counterparty_id');
    }
    expectError(await pull(t, accountId, 'cp_nope', '10'), 404, 'NOT_FOUND', 'deposit_source.source_counterparty_id');
    for (const asset of [EUR, ETH]) {
      const other = await openAccount(t, customerId, asset);
      expectError(await pull(t, other, cp, '10'), 400, 'ASSET_MISMATCH', 'deposit_destination.destination_account_id');
    }
    expectError(await pull(t, accountId, cp, '10.001'), 400, 'AMOUNT_PRECISION');
    expectError(
      await t.api.post('/v1/deposits', {
        deposit_type: 'PULL',
        deposit_destination: { destination_account_id: accountId },
        deposit_details: { amount: '1' },
      }),
      400,
      'VALIDATION_ERROR',
      'deposit_source.source_counterparty_id',
    );
    const push = await ok(t.api.post('/v1/deposits', { deposit_type: 'PUSH', deposit_destination: { destination_account_id: accountId } }));
    expectError(await t.api.post(`/v1/deposits/${push.id}/accept`), 400, 'INVALID_STATUS_TRANSITION');
    expectError(await t.api.post(`/v1/simulations/deposits/${push.id}/return`), 400, 'INVALID_STATUS_TRANSITION');
    const requested = await ok(pull(t, accountId, cp, '10'));
    expectError(await t.api.post(`/v1/simulations/deposits/${requested.id}/return`), 400, 'INVALID_STATUS_TRANSITION');
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });

  it('a FROZEN counterparty cannot be pulled from; another tenant sees 404', async () => {
    const { app, t, accountId, cp } = await setup();
    const dep = await ok(pull(t, accountId, cp, '10'));
    const stranger = await newTenant(app);
    expectError(await stranger.api.get(`/v1/deposits/${dep.id}`), 404, 'NOT_FOUND');
    expectError(await stranger.api.post(`/v1/deposits/${dep.id}/accept`), 404, 'NOT_FOUND');
    await setStatus(t.api, `/v1/counterparties/${cp}`, 'FROZEN');
    expectError(await t.api.post(`/v1/deposits/${dep.id}/accept`), 400, 'NOT_TRANSACTABLE');
    expectError(await pull(t, accountId, cp, '10'), 400, 'NOT_TRANSACTABLE');
    expect((await ok(t.api.get(`/v1/deposits/${dep.id}`))).status).toBe('REQUESTED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });

  it('with signing_required an unsigned accept is refused: 401 SIGNATURE_REQUIRED', async () => {
    const app = await getFrozenApp();
    const t = await newTenant(app, { signing_required: true });
    const { customerId, accountId } = await customerWithAccount(t, USD);
    const cp = await linkedCounterparty(t, customerId);
    const dep = await ok(pull(t, accountId, cp, '10'));
    expectError(await t.api.post(`/v1/deposits/${dep.id}/accept`), 401, 'SIGNATURE_REQUIRED', 'x-signature');
    expect((await ok(t.api.get(`/v1/deposits/${dep.id}`))).status).toBe('REQUESTED');
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });
});
