/**
 * Two real server processes on one PostgreSQL (TEST_DATABASE_URL): 50 concurrent card
 * authorizations split across both, against funds for 33, approve exactly 33 (issue 13). They
 * alternate two cards of one account, so that each process authorizes on both cards: the card
 * lock does not serialize them, and what is raced across processes is the account's funds check
 * (the ledger's account lock). PostgreSQL only: PGlite is one process's embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, TEST_MASTER_KEY } from '../helpers.js';
import { balances, ok, transactions, verifyLedger } from '../money/_fixtures.js';
import { call, freePort, killAll, type ServerProcess, startServer, tokenAt, waitReady } from '../server-process.js';
import { COFFEE, cardholder } from './_support.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL;

describe.runIf(!!DATABASE_URL)('card authorizations on two server processes', () => {
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++)
      servers.push(startServer(await freePort(), { DATABASE_URL: DATABASE_URL as string, LEDGERLINE_MASTER_KEY: TEST_MASTER_KEY }));
    await Promise.all(servers.map((s) => waitReady(s)));
  }, 180_000);
  afterAll(killAll);

  it('50 concurrent authorizations across both against funds for 33: exactly 33 approved', async () => {
    const app = await getApp();
    const { t, customerId, accountId, cardId } = await cardholder(app, '33');
    const second = await ok(t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'VIRTUAL' }));
    const cards = [cardId, second.id as string];
    const tokens = await Promise.all(servers.map((s) => tokenAt(s.url, t.clientId, t.secret)));
    // Request i goes to process i % 2 and card (i >> 1) % 2: each process sends to both cards.
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(
          servers[i % 2]?.url as string,
          'POST',
          `/v1/simulations/cards/${cards[(i >> 1) % 2]}/authorizations`,
          tokens[i % 2] as string,
          {
            amount: '1.00',
            merchant: COFFEE,
          },
        ),
      ),
    );
    const tally = new Map<string, number>();
    for (const r of results) {
      const key = `${r.status} ${r.body.data?.status} ${r.body.data?.decline_reason ?? ''}`.trim();
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(tally)).toEqual({ '200 PENDING': 33, '200 DECLINED INSUFFICIENT_FUNDS': 17 });
    // Both cards were used, on both processes.
    const used = new Set(results.filter((r) => r.body.data?.status === 'PENDING').map((r) => r.body.data.card_id));
    expect(used).toEqual(new Set(cards));
    expect(await balances(t.api, accountId)).toEqual({ current: '33', available: '0' });
    const holds = (await transactions(t.api, accountId)).filter((l) => l.transaction_type === 'CARD_PURCHASE');
    expect(holds).toHaveLength(33);
    expect(holds.every((l) => l.transaction_status === 'AUTHORIZED' && l.value === '-1')).toBe(true);
    await verifyLedger(app);
  }, 180_000);
});
