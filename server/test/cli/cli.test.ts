/**
 * The `ledgerline` CLI (issue 12, proof 2), the real binary against the real app listening on a
 * random port: every command's --help, JSON that parses, exit codes, and the operations.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { cardholder } from '../cards/_support.js';
import { corporationBody, makeApp, newTenant, OPERATOR, type Tenant, testConfig, uid } from '../helpers.js';
import { balances, fundedAccount, ledgerIdOf, openAccount, USD } from '../ledger/_fixtures.js';
import { jsonLines, runCli, startCli } from './_cli.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await makeApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

const operatorEnv = () => ({ LEDGERLINE_BASE_URL: base, LEDGERLINE_CLIENT_ID: OPERATOR.id, LEDGERLINE_CLIENT_SECRET: OPERATOR.secret });
const tenantEnv = (t: Tenant) => ({ LEDGERLINE_BASE_URL: base, LEDGERLINE_CLIENT_ID: t.clientId, LEDGERLINE_CLIENT_SECRET: t.secret });

describe('ledgerline --help', { timeout: 180_000 }, () => {
  it.each([
    [[], 'ledgerline'],
    [['migrate'], 'ledgerline migrate'],
    [['ledger', 'verify'], 'ledgerline ledger verify'],
    [['clients', 'create'], 'ledgerline clients create'],
    [['clients', 'list'], 'ledgerline clients list'],
    [['clients', 'rotate-secret'], 'ledgerline clients rotate-secret'],
    [['simulate', 'deposit'], 'ledgerline simulate deposit'],
    [['simulate', 'clock'], 'ledgerline simulate clock'],
    [['simulate', 'card-authorization'], 'ledgerline simulate card-authorization'],
    [['events', 'tail'], 'ledgerline events tail'],
    [['listen'], 'ledgerline listen'],
  ])('%j --help: usage, the --json option, exit 0', async (path, usage) => {
    const r = await runCli([...path, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: ${usage}`);
    expect(r.stdout).toContain('--json');
  });

  it('exits 2 on bad usage, with the reason', async () => {
    const missing = await runCli(['clients', 'create']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const badDuration = await runCli(['simulate', 'clock', '--advance', 'soon', '--json'], operatorEnv());
    expect(badDuration.code).toBe(2);
    expect(JSON.parse(badDuration.stdout).error.code).toBe('CLI_ERROR');
  });

  it('with --json, a usage error is one JSON object on stdout (nothing else there), exit 2', async () => {
    const missing = await runCli(['clients', 'create', '--json']);
    expect(missing.code).toBe(2);
    expect(jsonLines(missing.stdout)).toEqual([
      {
        error: {
          code: 'CLI_ERROR',
          description: "required option '--name <name>' not specified",
          reason: 'commander.missingMandatoryOptionValue',
        },
      },
    ]);
    expect(missing.stderr).toBe('');
    const unknown = await runCli(['simulate', 'earthquake', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonLines(unknown.stdout)).toEqual([
      { error: { code: 'CLI_ERROR', description: "unknown command 'earthquake'", reason: 'commander.unknownCommand' } },
    ]);
    const badOption = await runCli(['ledger', 'verify', '--colour', 'red', '--json']);
    expect(badOption.code).toBe(2);
    expect(jsonLines(badOption.stdout)[0].error).toMatchObject({ code: 'CLI_ERROR', reason: 'commander.unknownOption' });
  });
});

describe('ledgerline clients', { timeout: 180_000 }, () => {
  it('creates, lists and rotates clients (operator), in JSON that parses', async () => {
    const name = `cli ${uid()}`;
    const created = await runCli(['clients', 'create', '--name', name, '--regulated', '--json'], operatorEnv());
    expect(created.code, created.stderr).toBe(0);
    const client = JSON.parse(created.stdout);
    expect(client).toMatchObject({ name, regulated: true, signing_required: false, client_id: expect.stringMatching(/^cli_/) });
    expect(client.client_secret.length).toBeGreaterThanOrEqual(32);

    const listed = await runCli(['clients', 'list', '--json'], operatorEnv());
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).clients.map((c: { client_id: string }) => c.client_id)).toContain(client.client_id);

    const rotated = await runCli(['clients', 'rotate-secret', client.client_id, '--json'], operatorEnv());
    expect(rotated.code, rotated.stderr).toBe(0);
    const secret = JSON.parse(rotated.stdout).client_secret as string;
    expect(secret).not.toBe(client.client_secret);
    const token = (s: string) =>
      fetch(`${base}/oauth2/token?grant_type=client_credentials`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${s}`).toString('base64')}` },
      }).then((r) => r.status);
    expect(await token(secret)).toBe(200);
    expect(await token(client.client_secret)).toBe(401);

    const human = await runCli(['clients', 'list'], operatorEnv());
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(client.client_id);
  });

  it('exits 1 with the API’s error when refused: a tenant is not the operator; bad credentials', async () => {
    const t = await newTenant(app);
    const refused = await runCli(['clients', 'list', '--json'], tenantEnv(t));
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatchObject({
      status: 403,
      code: 'INSUFFICIENT_SCOPE',
      request_id: expect.stringMatching(/^req_/),
    });
    const badSecret = await runCli(['clients', 'list'], { ...operatorEnv(), LEDGERLINE_CLIENT_SECRET: 'wrong-secret-0123456789' });
    expect(badSecret.code).toBe(1);
    expect(badSecret.stderr).toMatch(/^Error: 401 invalid_client/);
  });
});

describe('ledgerline simulate, events, ledger verify', { timeout: 180_000 }, () => {
  it('simulates a deposit to an account and moves the sandbox clock', async () => {
    const t = await newTenant(app);
    const customer = uid('cli');
    expect((await t.api.post('/v1/customers', corporationBody(customer))).status).toBe(200);
    const account = await openAccount(t, customer, USD);
    const deposit = await runCli(['simulate', 'deposit', '--account', account, '--amount', '250.75', '--json'], tenantEnv(t));
    expect(deposit.code, deposit.stderr).toBe(0);
    expect(JSON.parse(deposit.stdout)).toMatchObject({ matched: true, account_id: account, deposit_id: expect.any(String) });
    expect(await balances(t.api, account)).toMatchObject({ current: '250.75' });

    const clock = await runCli(['simulate', 'clock', '--advance', '2h', '--json'], tenantEnv(t));
    expect(clock.code, clock.stderr).toBe(0);
    expect(Date.parse(JSON.parse(clock.stdout).now) - Date.now()).toBeGreaterThan(7000 * 1000);

    const missing = await runCli(['simulate', 'deposit', '--account', 'no-such-account', '--amount', '1', '--json'], tenantEnv(t));
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.status).toBe(404);
  });

  it('simulates card authorizations in JSON: approved (funds held), then declined with its reason', async () => {
    const { t, accountId, cardId } = await cardholder(app, '20');
    const approved = await runCli(
      ['simulate', 'card-authorization', '--card', cardId, '--amount', '12.34', '--merchant', 'Corner Shop', '--json'],
      tenantEnv(t),
    );
    expect(approved.code, approved.stderr).toBe(0);
    const hold = JSON.parse(approved.stdout);
    expect(hold).toMatchObject({
      id: expect.any(String),
      status: 'PENDING',
      amount: '12.34',
      card_id: cardId,
      merchant: { name: 'Corner Shop', mcc: '5999', country: 'US' },
    });
    expect(await balances(t.api, accountId)).toEqual({ current: '20', available: '7.66' });
    const declined = await runCli(['simulate', 'card-authorization', '--card', cardId, '--amount', '10', '--json'], tenantEnv(t));
    expect(declined.code, declined.stderr).toBe(0); // a decline is an answer, not a failure of the command
    expect(JSON.parse(declined.stdout)).toMatchObject({ status: 'DECLINED', decline_reason: 'INSUFFICIENT_FUNDS', card_id: cardId });
    expect(await balances(t.api, accountId)).toEqual({ current: '20', available: '7.66' });
    const unknown = await runCli(['simulate', 'card-authorization', '--card', 'no-such-card', '--amount', '1', '--json'], tenantEnv(t));
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('tails events: the latest, then new ones as they come; --no-follow exits', async () => {
    const t = await newTenant(app);
    const first = uid('tail');
    expect((await t.api.post('/v1/customers', corporationBody(first))).status).toBe(200);
    const once = await runCli(['events', 'tail', '--no-follow', '--json'], tenantEnv(t));
    expect(once.code, once.stderr).toBe(0);
    const events = jsonLines(once.stdout);
    expect(events.map((e) => [e.event_type, e.resource_id])).toEqual([['CUSTOMER_ACTIVE', first]]);

    const tail = startCli(['events', 'tail', '--json', '--interval', '200'], tenantEnv(t));
    await tail.line((l) => l.includes(first));
    const second = uid('tail');
    expect((await t.api.post('/v1/customers', corporationBody(second))).status).toBe(200);
    const line = await tail.line((l) => l.includes(second));
    expect(JSON.parse(line)).toMatchObject({ event_type: 'CUSTOMER_ACTIVE', resource_id: second });
    expect(await tail.stop()).toBe(0);
    expect(tail.lines.map((l) => JSON.parse(l).resource_id)).toEqual([first, second]); // each once, in order
  });

  it('verifies the ledger through the API (operator)', async () => {
    const r = await runCli(['ledger', 'verify', '--json', '--page-size', '50'], operatorEnv());
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ balanced: true, mismatched_accounts: [] });
    expect(report.accounts_checked).toBeGreaterThan(0);
    const human = await runCli(['ledger', 'verify'], operatorEnv());
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Ledger balanced.');
  });

  it('exits 1 and names the account when the ledger is not balanced (on a database of its own)', async () => {
    // A fresh embedded database for this test alone: the worker's database stays balanced.
    const database = await openDatabase({});
    let own: FastifyInstance | undefined;
    try {
      await migrate(database);
      own = await buildApp(testConfig(), { database });
      await bootstrap(own);
      const ownBase = await own.listen({ port: 0, host: '127.0.0.1' });
      const t = await newTenant(own);
      const account = (await fundedAccount(t, USD, '5.00')).id;
      const ledgerId = await ledgerIdOf(own, t.clientId, account);
      const env = { LEDGERLINE_BASE_URL: ownBase, LEDGERLINE_CLIENT_ID: OPERATOR.id, LEDGERLINE_CLIENT_SECRET: OPERATOR.secret };
      const before = await runCli(['ledger', 'verify', '--json'], env);
      expect([before.code, JSON.parse(before.stdout).balanced]).toEqual([0, true]);

      await database.db.execute(sql`UPDATE ledger_accounts SET posted = posted + 1 WHERE id = ${ledgerId}`);
      const r = await runCli(['ledger', 'verify', '--json'], env);
      expect(r.code, r.stderr).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.balanced).toBe(false);
      expect(report.mismatched_accounts).toEqual([
        expect.objectContaining({ ledger_account_id: String(ledgerId), posted: '501', lines: '500' }),
      ]);
      const human = await runCli(['ledger', 'verify'], env);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('LEDGER NOT BALANCED.');
    } finally {
      await own?.close();
      await database.close();
    }
  });
});
