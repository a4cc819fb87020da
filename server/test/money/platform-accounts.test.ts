/**
 * A movement that is refused (INSUFFICIENT_FUNDS) must leave nothing behind: the next attempt,
 * once funded, succeeds. These use assets no other test moves (so the platform accounts they
 * need do not exist yet) and their own app (so its LedgerService starts with an empty cache).
 */
import { describe, expect, it } from 'vitest';
import { makeApp, newTenant } from '../helpers.js';
import { quote } from './_exchanges.js';
import { agree, expectError, fund, newCustomer, ok, openAccount, usCounterparty, verifyLedger } from './_fixtures.js';

const MXN = 'FIAT_TESTNET_MXN';
const AED = 'FIAT_TESTNET_AED';
const MAINNET_USD = 'FIAT_MAINNET_USD';

describe('the first movement of a rail or asset pair fails for want of funds', () => {
  it('withdrawal: INSUFFICIENT_FUNDS at the first ACH accept of FIAT_MAINNET_USD, then funded -> AUTHORIZED', async () => {
    const app = await makeApp();
    try {
      const t = await newTenant(app);
      const c = await newCustomer(t);
      const acc = await openAccount(t, c, MAINNET_USD);
      await fund(t, acc, '5');
      const cp = await usCounterparty(t, c);
      const w = await ok(
        t.api.post('/v1/withdrawals', {
          withdrawal_rail: 'ACH',
          source_account_id: acc,
          destination_counterparty_id: cp,
          amount: '10',
          purpose: 'PERSONAL_ACCOUNT',
        }),
      );
      expectError(await t.api.post(`/v1/withdrawals/${w.id}/accept`), 400, 'INSUFFICIENT_FUNDS');
      await fund(t, acc, '10');
      // Bug: the refused accept created the platform account omnibus:ACH:FIAT_MAINNET_USD inside its
      // rolled-back transaction, but LedgerService.platformAccount cached its id; this accept gets 500.
      const again = await t.api.post(`/v1/withdrawals/${w.id}/accept`);
      expect(again.status, again.raw).toBe(200);
      // Layer2's ACCEPTED; Ledgerline's phase AUTHORIZED in status_detail.
      expect([again.body.data.status, again.body.data.status_detail]).toEqual(['ACCEPTED', 'AUTHORIZED']);
      expect(await agree(t, acc, MAINNET_USD)).toEqual({ current: '15', available: '5' });
      await verifyLedger(app);
    } finally {
      await app.close();
    }
  });

  it('exchange: INSUFFICIENT_FUNDS at the first MXN->AED accept, then funded -> EXECUTED', async () => {
    const app = await makeApp();
    try {
      const t = await newTenant(app);
      const c = await newCustomer(t);
      const mxn = await openAccount(t, c, MXN);
      const aed = await openAccount(t, c, AED);
      await fund(t, mxn, '100');
      const q1 = await ok(quote(t, mxn, aed, '171'));
      expectError(await t.api.post(`/v1/exchanges/${q1.id}/accept`), 400, 'INSUFFICIENT_FUNDS');
      await fund(t, mxn, '100');
      const q2 = await ok(quote(t, mxn, aed, '171')); // 171 MXN = 10 USD = 36.725 AED -> 36.72
      expect(q2.destination_details.amount_to_credit).toBe('36.72');
      // Same bug: fx-liquidity and fees accounts of the refused accept are cached but were rolled back.
      const done = await t.api.post(`/v1/exchanges/${q2.id}/accept`);
      expect(done.status, done.raw).toBe(200);
      expect(done.body.data.status).toBe('EXECUTED');
      expect(await agree(t, mxn, MXN)).toEqual({ current: '29', available: '29' });
      expect(await agree(t, aed, AED)).toEqual({ current: '36.72', available: '36.72' });
      await verifyLedger(app);
    } finally {
      await app.close();
    }
  });
});
