/**
 * Two real server processes on one PostgreSQL (TEST_DATABASE_URL): 50 concurrent card
 * authorizations split across both, against funds for 33, approve exactly 33 (issue 13).
 * PostgreSQL only: PGlite is one process's embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApp, TEST_MASTER_KEY } from '../helpers.js';
import { balances, verifyLedger } from '../money/_fixtures.js';
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
    const { t, accountId, cardId } = await cardholder(app, '33');
    const tokens = await Promise.all(servers.map((s) => tokenAt(s.url, t.clientId, t.secret)));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(servers[i % 2]?.url as string, 'POST', `/v1/simulations/cards/${cardId}/authorizations`, tokens[i % 2] as string, {
          amount: '1.00',
          merchant: COFFEE,
        }),
      ),
    );
    const tally = new Map<string, number>();
    for (const r of results) {
      const key = `${r.status} ${r.body.data?.status} ${r.body.data?.decline_reason ?? ''}`.trim();
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(tally)).toEqual({ '200 PENDING': 33, '200 DECLINED INSUFFICIENT_FUNDS': 17 });
    expect(await balances(t.api, accountId)).toEqual({ current: '33', available: '0' });
    await verifyLedger(app);
  }, 180_000);
});
