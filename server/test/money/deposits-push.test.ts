import { describe, expect, it } from 'vitest';
import { getApp, newTenant, type Tenant } from '../helpers.js';
import {
  agree,
  BTC,
  customerWithAccount,
  ETH,
  EUR,
  eventsOf,
  expectError,
  GBP,
  ok,
  openAccount,
  SOL,
  setStatus,
  USD,
  verifyLedger,
} from './_fixtures.js';

const pushDeposit = (t: Tenant, accountId: string) =>
  ok(t.api.post('/v1/deposits', { deposit_type: 'PUSH', deposit_destination: { destination_account_id: accountId } }));

const arrive = (t: Tenant, body: Record<string, unknown>) => ok(t.api.post('/v1/simulations/deposits', body));

const ORIGINATOR = { name: 'Sender Co', account_number: '000111222333', routing_number: '021000021' };

describe('PUSH deposits: fiat instructions per rail, matched by memo', () => {
  it.each([
    [USD, ['ACH', 'FEDWIRE', 'SWIFT'], ['12.34', '1000.5', '0.01']],
    [EUR, ['SEPA_CT', 'SWIFT'], ['250', '0.99']],
    [GBP, ['FPS', 'CHAPS', 'SWIFT'], ['7.07', '19999.99', '3']],
  ] as const)('%s: instructions %j, each rail credits exactly', async (asset, rails, amounts) => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, asset);
    const dep = await pushDeposit(t, accountId);
    expect(dep).toMatchObject({
      status: 'REQUESTED',
      deposit_type: 'PUSH',
      deposit_destination: { destination_account_id: accountId, asset_type_id: asset },
      received_total: '0',
      received_count: '0',
    });
    // Rails Layer2's Instruction cannot describe (SWIFT, SEPA_CT, FPS…) are in other_deposit_instructions.
    const instructions = [...dep.deposit_source.deposit_instructions, ...(dep.deposit_source.other_deposit_instructions ?? [])] as Record<
      string,
      any
    >[];
    expect(instructions.map((i) => i.instruction_type)).toEqual(rails);
    for (const i of dep.deposit_source.deposit_instructions) expect(['ACH', 'FEDWIRE', 'CRYPTO']).toContain(i.instruction_type);
    const memos = new Set(instructions.map((i) => i.memo ?? i.reference));
    expect(memos.size).toBe(1);
    const memo = [...memos][0] as string;
    expect(memo).toMatch(/^[A-Z0-9]{1,10}$/);
    for (const i of instructions) expect(i.asset_type_id).toBe(asset);
    if (asset === USD) {
      expect(instructions[0]).toMatchObject({ account_routing_number: '021000021', memo });
      expect(instructions[1]).toMatchObject({ institution_name: expect.any(String), institution_address: expect.any(Object), memo });
      expect(instructions[2]).toMatchObject({ swift_bic: expect.any(String), memo });
    }

    let total = 0;
    for (const [n, rail] of rails.entries()) {
      const amount = amounts[n] as string;
      total += Math.round(Number(amount) * 100);
      const inc = await arrive(t, { rail, asset_type_id: asset, amount, memo, originator: ORIGINATOR });
      expect(inc).toMatchObject({ status: 'CREDITED', matched: true, deposit_id: dep.id, account_id: accountId, amount });
      const tx = await ok(t.api.get(`/v1/accounts/deposits/${accountId}/transactions/${inc.transaction_id}`));
      expect(tx).toMatchObject({
        id: inc.transaction_id,
        value: amount,
        transaction_status: 'POSTED',
        transaction_type: 'TRANSFER_IN',
        category_type: 'DEPOSIT',
        category_id: dep.id,
      });
      expect(tx.originator).toEqual({
        originator_type: 'FIAT_US',
        rail,
        rail_reference: inc.rail_reference,
        rail_originator_memo: memo,
        profile: { name: 'Sender Co' },
        account_information: { account_number: '********2333', routing_number: '021000021' },
      });
      expect(await eventsOf(app, t.clientId, inc.transaction_id)).toEqual([
        {
          type: 'TRANSACTION_POSTED',
          data: {
            transaction: { id: inc.transaction_id, status: 'POSTED', account_id: accountId, category_type: 'DEPOSIT', category_id: dep.id },
          },
        },
      ]);
    }
    const after = await ok(t.api.get(`/v1/deposits/${dep.id}`));
    const expected = (total / 100).toString();
    expect(after).toMatchObject({ status: 'EXECUTED', received_total: expected, received_count: String(rails.length) });
    expect(after.executed_timestamp).toEqual(expect.any(String));
    expect(await agree(t, accountId, asset)).toEqual({ current: expected, available: expected });
    await verifyLedger(app);
  });

  it('instructions are reusable; several deposits of one account have distinct memos; memo match ignores case', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const a = await pushDeposit(t, accountId);
    const b = await pushDeposit(t, accountId);
    const memoA = a.deposit_source.deposit_instructions[0].memo;
    const memoB = b.deposit_source.deposit_instructions[0].memo;
    expect(memoA).not.toBe(memoB);
    await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '100.10', memo: memoA });
    await arrive(t, { rail: 'FEDWIRE', asset_type_id: USD, amount: '0.90', memo: ` ${memoA.toLowerCase()} ` });
    const third = await arrive(t, { rail: 'ACH', asset_type_id: USD, amount: '5', memo: memoB });
    expect(third.deposit_id).toBe(b.id);
    expect(await ok(t.api.get(`/v1/deposits/${a.id}`))).toMatchObject({ status: 'EXECUTED', received_total: '101', received_count: '2' });
    expect(await ok(t.api.get(`/v1/deposits/${b.id}`))).toMatchObject({ status: 'EXECUTED', received_total: '5', received_count: '1' });
    const txs = await ok(t.api.get(`/v1/accounts/deposits/${accountId}/transactions?page_size=100`));
    expect(txs.transactions.map((x: any) => [x.category_id, x.value]).sort()).toEqual(
      [
        [a.id, '0.9'],
        [a.id, '100.1'],
        [b.id, '5'],
      ].sort(),
    );
    const listed = await ok(t.api.get(`/v1/deposits?account_id=${accountId}&status=EXECUTED`));
    expect(listed.deposits.map((d: any) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(await agree(t, accountId, USD)).toEqual({ current: '106', available: '106' });
    await verifyLedger(app);
  });
});

describe('PUSH deposits: refusals', () => {
  it('a PUSH takes no details; arrivals need a rail of the asset, a wallet for crypto, the asset’s precision', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, USD);
    const push = { deposit_type: 'PUSH', deposit_destination: { destination_account_id: accountId } };
    expectError(
      await t.api.post('/v1/deposits', { ...push, deposit_details: { amount: '1' } }),
      400,
      'VALIDATION_ERROR',
      'deposit_details',
    );
    expectError(await t.api.post('/v1/deposits', { ...push, deposit_destination: { destination_account_id: 'nope' } }), 404, 'NOT_FOUND');
    const memo = (await pushDeposit(t, accountId)).deposit_source.deposit_instructions[0].memo;
    const sim = (body: Record<string, unknown>) => t.api.post('/v1/simulations/deposits', body);
    expectError(await sim({ rail: 'SEPA_CT', asset_type_id: USD, amount: '1', memo }), 400, 'VALIDATION_ERROR', 'rail');
    expectError(await sim({ rail: 'CRYPTO', asset_type_id: ETH, amount: '1' }), 400, 'VALIDATION_ERROR', 'wallet_address');
    expectError(await sim({ rail: 'ACH', asset_type_id: USD, amount: '1.001', memo }), 400, 'AMOUNT_PRECISION', 'amount');
    expectError(await sim({ rail: 'ACH', asset_type_id: 'FIAT_TESTNET_XYZ', amount: '1', memo }), 400, 'VALIDATION_ERROR', 'asset_type_id');
    await setStatus(t.api, `/v1/accounts/deposits/${accountId}`, 'FROZEN');
    expectError(await t.api.post('/v1/deposits', push), 400, 'NOT_TRANSACTABLE');
    const stranger = await newTenant(app);
    expectError(await stranger.api.post('/v1/deposits', push), 404, 'NOT_FOUND');
    expect(await agree(t, accountId, USD)).toEqual({ current: '0', available: '0' });
    await verifyLedger(app);
  });
});

describe('PUSH deposits: crypto instructions are the account address', () => {
  it.each([
    [ETH, '0.123456789012345678', '2.000000000000000001', '2.123456789012345679'],
    [BTC, '0.00012345', '1.1', '1.10012345'],
    [SOL, '1.000000001', '0.999999999', '2'],
  ])('%s: a CRYPTO instruction with the address; arrivals at it credit exactly', async (asset, first, second, total) => {
    const app = await getApp();
    const t = await newTenant(app);
    const { accountId } = await customerWithAccount(t, asset);
    const dep = await pushDeposit(t, accountId);
    const lease = await ok(t.api.post(`/v1/accounts/deposits/${accountId}/address`));
    const [chain, network] = asset.split('_');
    expect(dep.deposit_source.deposit_instructions).toEqual([
      { instruction_type: 'CRYPTO', address: lease.wallet_address, blockchain: chain, network, asset_type_id: asset },
    ]);
    const inc = await arrive(t, {
      rail: 'CRYPTO',
      asset_type_id: asset,
      amount: first,
      wallet_address: lease.wallet_address,
      originator: { name: 'Wallet Owner', blockchain_address: 'sender-addr' },
    });
    expect(inc).toMatchObject({ status: 'CREDITED', account_id: accountId, deposit_id: dep.id, amount: first });
    expect(inc.rail_reference).toMatch(/^0x[0-9a-f]{64}$/);
    const tx = await ok(t.api.get(`/v1/accounts/deposits/${accountId}/transactions/${inc.transaction_id}`));
    expect(tx).toMatchObject({ value: first, transaction_status: 'POSTED', category_type: 'DEPOSIT', category_id: dep.id });
    expect(tx.originator).toEqual({
      originator_type: 'CRYPTO',
      rail: 'CRYPTO',
      rail_reference: inc.rail_reference,
      profile: { name: 'Wallet Owner' },
      wallet_information: { blockchain_address: 'sender-addr' },
    });
    await arrive(t, { rail: 'CRYPTO', asset_type_id: asset, amount: second, wallet_address: lease.wallet_address });
    expect(await ok(t.api.get(`/v1/deposits/${dep.id}`))).toMatchObject({ status: 'EXECUTED', received_total: total, received_count: '2' });
    expect(await agree(t, accountId, asset)).toEqual({ current: total, available: total });
    await verifyLedger(app);
  });

  it('two crypto accounts of one customer have distinct addresses and each arrival lands on its own account', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { customerId, accountId } = await customerWithAccount(t, ETH);
    const other = await openAccount(t, customerId, ETH);
    const [d1, d2] = [await pushDeposit(t, accountId), await pushDeposit(t, other)];
    const [a1, a2] = [d1, d2].map((d) => d.deposit_source.deposit_instructions[0].address);
    expect(a1).not.toBe(a2);
    await arrive(t, { rail: 'CRYPTO', asset_type_id: ETH, amount: '1', wallet_address: a2 });
    expect(await agree(t, accountId, ETH)).toEqual({ current: '0', available: '0' });
    expect(await agree(t, other, ETH)).toEqual({ current: '1', available: '1' });
    await verifyLedger(app);
  });
});
