/** No log line carries a full account number or IBAN, whatever the outcome of the request. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant } from '../helpers.js';
import { bodyFor, CP, tenantWithCustomer, withAccount } from './_fixtures.js';

let app: FastifyInstance;
const lines: string[] = [];
beforeAll(async () => {
  app = await makeApp({ LOG_LEVEL: 'trace' });
  // Every logger of the app writes to one pino stream: capture it instead of printing.
  let node: any = app.log;
  let stream: { write: (s: string) => boolean } | undefined;
  while (node && !stream) {
    const sym = Object.getOwnPropertySymbols(node).find((s) => s.description === 'pino.stream');
    if (sym) stream = node[sym];
    node = Object.getPrototypeOf(node);
  }
  if (!stream) throw new Error('no pino stream');
  stream.write = (s: string) => {
    lines.push(s);
    return true;
  };
});
afterAll(async () => {
  await app.close();
});

describe('logs', () => {
  it('never contain the account numbers, IBANs or CLABEs of accepted or refused requests', async () => {
    const t = await newTenant(app);
    const c = await tenantWithCustomer(t);
    const secrets = ['4455667788', 'DE89370400440532013001', '032180000118359718', '99887766', 'GB82WEST12345698765432'];
    const ok = await t.api.post(CP, withAccount('FIAT_US', c, { account_number: '4455667788' }));
    expect(ok.status).toBe(200);
    expect((await t.api.post(CP, withAccount('FIAT_EU', c, { iban: 'DE89370400440532013001' }))).status).toBe(400);
    expect((await t.api.post(CP, withAccount('FIAT_MX', c, { clabe: '032180000118359718' }))).status).toBe(400);
    expect((await t.api.post(CP, withAccount('FIAT_US', c, { account_number: 99887766 }))).status).toBe(400);
    const gb = await t.api.post(CP, bodyFor('FIAT_GB', c));
    expect(gb.status).toBe(200);
    expect((await t.api.patch(`${CP}/${ok.body.data.id}`, { account_information: { account_number: '99887766' } })).status).toBe(400);
    const all = lines.join('');
    expect(all).toContain('incoming request');
    for (const s of secrets) expect(all).not.toContain(s);
  });
});
