import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type BootstrapResult, bootstrap } from '../../src/bootstrap.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { Api, getApp, individualBody, makeApp, newTenant, OPERATOR, testConfig, tokenFor } from '../helpers.js';
import { DEPOSITS, eventsOf, expectError } from './_fixtures.js';

describe('sandbox bootstrap on a fresh database (SEED_DEMO)', () => {
  let database: Database;
  let app: FastifyInstance;
  let result: BootstrapResult;
  let dataDir: string;
  let printed: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-bootstrap-'));
    database = await openDatabase({});
    app = await buildApp(testConfig({ SEED_DEMO: 'true', DATA_DIR: dataDir }), { database });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      result = await bootstrap(app);
      printed = log.mock.calls.map((c) => String(c[0])).join('\n');
    } finally {
      log.mockRestore();
    }
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const demoApi = async () => {
    if (!result.demo) throw new Error('no demo client');
    return new Api(app, await tokenFor(app, result.demo.client_id, result.demo.client_secret));
  };

  it('creates a demo client and prints its credentials once (and writes them, owner-only)', () => {
    expect(result.operator).toEqual({ client_id: OPERATOR.id });
    expect(result.demo).toEqual({ client_id: expect.any(String), client_secret: expect.any(String) });
    expect(printed).toContain(`demo      client_id=${result.demo?.client_id}  client_secret=${result.demo?.client_secret}`);
    const file = join(dataDir, 'sandbox-credentials.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(result);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('the demo client has an ACTIVE corporation and individual, each with an OPEN FIAT_TESTNET_USD account at 0', async () => {
    const api = await demoApi();
    const customers = (await api.get('/v1/customers')).body.data.customers as Record<string, any>[];
    expect(customers.map((c) => [c.id, c.customer_type, c.status, c.accounts])).toEqual([
      ['demo-individual', 'INDIVIDUAL', 'ACTIVE', [{ id: 'demo-individual-usd', asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' }]],
      ['demo-corporation', 'CORPORATION', 'ACTIVE', [{ id: 'demo-corporation-usd', asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' }]],
    ]);
    const accounts = (await api.get(DEPOSITS)).body.data.accounts as Record<string, any>[];
    expect(accounts.map(({ created_at: _c, updated_at: _u, ...a }) => a)).toEqual(
      ['demo-individual', 'demo-corporation'].map((c) => ({
        id: `${c}-usd`,
        status: 'OPEN',
        asset_type_id: 'FIAT_TESTNET_USD',
        product_type: 'DEPOSIT',
        product_id: 'DEPOSIT_BASIC',
        customer_id: c,
        current_balance: 0,
        available_balance: 0,
      })),
    );
    expect(await eventsOf(app, result.demo?.client_id as string, 'demo-corporation-usd')).toEqual([
      ['ACCOUNT_OPEN', { account: { id: 'demo-corporation-usd', status: 'OPEN' } }],
    ]);
  });

  it('the demo client is unregulated: it cannot create customers directly', async () => {
    const api = await demoApi();
    expectError(await api.post('/v1/customers', individualBody()), 403, 'FORBIDDEN');
    expect((await api.get('/v1/customers')).body.data.customers).toHaveLength(2);
  });

  it('a second bootstrap seeds nothing more', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await bootstrap(app)).toEqual({ operator: { client_id: OPERATOR.id } });
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
    expect((await (await demoApi()).get('/v1/customers')).body.data.customers).toHaveLength(2);
  });
});

describe('bootstrap on a database that already has tenants', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await newTenant(await getApp());
    app = await makeApp({ SEED_DEMO: 'true' });
  });
  afterAll(() => app?.close());

  it('does not seed a demo client even with SEED_DEMO', async () => {
    expect(await bootstrap(app)).toEqual({ operator: { client_id: OPERATOR.id } });
  });
});
