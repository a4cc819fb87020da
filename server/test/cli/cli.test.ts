/**
 * The `ledgerline` CLI (issue 12, proof 2), the real binary against the real app listening on a
 * random port: every command's --help, JSON that parses, exit codes, and the operations.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, makeApp, newTenant, OPERATOR, type Tenant, uid } from '../helpers.js';
import { balances, openAccount, USD } from '../ledger/_fixtures.js';
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
});
