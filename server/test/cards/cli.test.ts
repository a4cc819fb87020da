/** `ledgerline simulate card-authorization` (issue 13) against the real app on a random port. */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../cli/_cli.js';
import { makeApp, type Tenant } from '../helpers.js';
import { balances } from '../money/_fixtures.js';
import { cardholder } from './_support.js';

let app: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await makeApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
});

const tenantEnv = (t: Tenant) => ({ LEDGERLINE_BASE_URL: base, LEDGERLINE_CLIENT_ID: t.clientId, LEDGERLINE_CLIENT_SECRET: t.secret });

describe('ledgerline simulate card-authorization', { timeout: 180_000 }, () => {
  it('approves within the funds, declines beyond them, and says why', async () => {
    const { t, accountId, cardId } = await cardholder(app, '50');
    const approved = await runCli(
      ['simulate', 'card-authorization', '--card', cardId, '--amount', '42.50', '--mcc', '5814', '--merchant', 'Cafe', '--json'],
      tenantEnv(t),
    );
    expect(approved.code, approved.stderr).toBe(0);
    expect(jsonLines(approved.stdout)[0]).toMatchObject({
      status: 'PENDING',
      amount: '42.5', // exact, as the SDK hands it over
      card_id: cardId,
      merchant: { name: 'Cafe', mcc: '5814' },
    });
    expect(await balances(t.api, accountId)).toEqual({ current: '50', available: '7.5' });
    const declined = await runCli(['simulate', 'card-authorization', '--card', cardId, '--amount', '10'], tenantEnv(t));
    expect(declined.code, declined.stderr).toBe(0);
    expect(declined.stdout).toMatch(/DECLINED: INSUFFICIENT_FUNDS/);
  });
});
