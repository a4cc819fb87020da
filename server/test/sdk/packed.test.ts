/**
 * The packed SDK (issue 12, proof 1): `npm pack`, installed in a fresh folder, scripts run there
 * with plain node against the real app listening on a random port, on the suite's database.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, individualBody, makeApp, midMonthBusinessTime, newTenant, uid } from '../helpers.js';
import { fundedAccount, type ManualClock, manualClock, USD } from '../ledger/_fixtures.js';
import { advance, fund, newCustomer, ok, openAccount, usCounterparty } from '../money/_fixtures.js';
import { createApplication, individualApplication, requiredDocuments } from '../onboarding/_fixtures.js';
import { FILES, uploadFile } from '../onboarding/_multipart.js';
import { pass, Receiver, subscribe, until } from '../webhooks/_support.js';
import { type Installed, packAndInstall, runScript, tsc } from './_packed.js';

let installed: Installed;
let app: FastifyInstance;
let base: string;
let clock: ManualClock;
let timedApp: FastifyInstance;
let timedBase: string;
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

interface Seen {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  status: number;
  replay: string | null;
  at: number;
}

/**
 * A proxy in front of the app that misbehaves once per rule: it drops the response of the first
 * POST /v1/transfers after the app has answered it (the transfer exists; the client sees the
 * connection close), and answers the first GET /v1/transfers with 429 and Retry-After: 1.
 */
async function faultyProxy(upstream: string): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let droppedPost = false;
  let limitedGet = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] as string;
      const key = req.headers['x-l2f-idempotency-id'] as string | undefined;
      if (req.method === 'GET' && path === '/v1/transfers' && !limitedGet) {
        limitedGet = true;
        seen.push({ method: 'GET', path, idempotencyKey: key, status: 429, replay: null, at: Date.now() });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ errors: [{ code: 'RATE_LIMITED', description: 'slow down' }] }));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding'].includes(k))
          headers[k] = v;
      }
      const answer = await fetch(upstream + req.url, { method: req.method, headers, ...(body.length && { body }) });
      const text = await answer.text();
      seen.push({
        method: req.method ?? '',
        path,
        idempotencyKey: key,
        status: answer.status,
        replay: answer.headers.get('x-l2f-idempotent-replay'),
        at: Date.now(),
      });
      if (req.method === 'POST' && path === '/v1/transfers' && !droppedPost) {
        droppedPost = true;
        req.socket.destroy(); // the app did the work; its answer never reaches the client
        return;
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
      });
      res.writeHead(answer.status, out).end(text);
    })().catch(() => res.destroy());
  });
  return { url: await listen(server), seen };
}

beforeAll(async () => {
  installed = await packAndInstall();
  app = await makeApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  clock = manualClock(Date.now());
  timedApp = await makeApp({ TOKEN_TTL_SECONDS: '60' }, { clock });
  timedBase = await timedApp.listen({ port: 0, host: '127.0.0.1' });
}, 300_000);

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await timedApp?.close();
  await app?.close();
  installed?.cleanup();
});

const creds = (t: { clientId: string; secret: string }) => ({ CLIENT_ID: t.clientId, CLIENT_SECRET: t.secret });

describe('the packed SDK against a real server', { timeout: 180_000 }, () => {
  it('refreshes its token across expiry: after the server refuses it, and before it expires', async () => {
    const t = await newTenant(timedApp);
    const control = createServer((req, res) => {
      const seconds = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('seconds'));
      clock.advance(seconds);
      res.writeHead(204).end();
    });
    const run = await runScript(installed.dir, 'token-refresh.mjs', {
      BASE_URL: timedBase,
      CONTROL_URL: await listen(control),
      ...creds(t),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result).toEqual({
      first: { tokens: 1, tokenRequests: 1, refused: 0 },
      reactive: { tokens: 2, tokenRequests: 2, refused: 1 }, // one 401 TOKEN_EXPIRED, then a new token
      proactive: { tokens: 3, tokenRequests: 3, refused: 1 }, // refreshed before sending: no new refusal
      listed: true,
    });
  });

  it('retries a POST whose response was dropped with the same idempotency key: it takes effect once', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const proxy = await faultyProxy(base);
    const run = await runScript(installed.dir, 'dropped-response.mjs', {
      BASE_URL: proxy.url,
      SOURCE: source,
      DESTINATION: destination,
      ...creds(t),
    });
    expect(run.code, run.stderr).toBe(0);
    const posts = proxy.seen.filter((s) => s.method === 'POST' && s.path === '/v1/transfers');
    expect(posts).toHaveLength(2);
    expect(posts[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]?.idempotencyKey).toBe(posts[0]?.idempotencyKey);
    expect(posts.map((p) => [p.status, p.replay])).toEqual([
      [200, null],
      [200, 'true'], // the stored response: nothing ran twice
    ]);
    expect(run.result.status).toBe('REQUESTED');
    expect(run.result.listed).toEqual([run.result.id]); // one transfer, the one the client got
    const fromServer = await t.api.get('/v1/transfers');
    expect(fromServer.body.data.transfers.map((x: { id: string }) => x.id)).toEqual([run.result.id]);
    // The 429 was retried after its Retry-After (1 s), not at once.
    const gets = proxy.seen.filter((s) => s.method === 'GET' && s.path === '/v1/transfers');
    expect(gets.map((g) => g.status)).toEqual([429, 200]);
    expect((gets[1]?.at ?? 0) - (gets[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('signs accepts for a client with signing_required (base URL ending in /api)', async () => {
    const t = await newTenant(app, { signing_required: true });
    const source = (await fundedAccount(t, USD, '10.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const run = await runScript(installed.dir, 'signed-accept.mjs', {
      BASE_URL: `${base}/api`,
      SOURCE: source,
      DESTINATION: destination,
      ...creds(t),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.unsigned).toEqual({ isLedgerlineError: true, status: 401, code: 'SIGNATURE_REQUIRED' });
    expect(run.result.accepted).toBe('EXECUTED');
    expect(new Set(run.result.twins).size).toBe(2);
    expect(run.result.twinStatuses).toEqual(['EXECUTED', 'EXECUTED']);
    const transfers = await t.api.get('/v1/transfers?status=EXECUTED');
    expect(transfers.body.data.transfers).toHaveLength(3);
  });

  it('iterates a list across pages with for await', async () => {
    const t = await newTenant(app);
    const created: string[] = [];
    for (let i = 0; i < 23; i++) {
      const id = uid('pg');
      const res = await t.api.post('/v1/customers', corporationBody(id));
      expect(res.status, res.raw).toBe(200);
      created.push(id);
    }
    const run = await runScript(installed.dir, 'pagination.mjs', { BASE_URL: base, ...creds(t) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.result.ids).toEqual([...created].reverse()); // newest first, each once
    expect(run.result.pages).toHaveLength(4); // 10 + 10 + 3, and the repeated first page
    expect(run.result.pages[0]).toBe('?limit=10');
    expect(run.result.pages[1]).toMatch(/^\?limit=10&cursor=/);
    expect(run.result.firstPage).toEqual({ size: 10, hasMore: true, nextCursor: true });
  });

  it('reads files (receipt and statement PDFs, a document) and walks statements and transactions across pages', async () => {
    const t = await newTenant(app);
    const applicant = await newTenant(app, { regulated: false }); // applications (and their documents) are for unregulated clients
    // Business time mid-month, not the machine's: the funding and the withdrawal settled 661 s later
    // must share the oldest statement's month (at real time this failed in a month's last 11
    // minutes, as at 2026-11-30 23:59 UTC).
    await midMonthBusinessTime(app, t.clientId);
    // An executed withdrawal (ACH settles after the sandbox clock moves), then 13 more months.
    const customer = await newCustomer(t, individualBody(uid()));
    const account = await openAccount(t, customer, USD);
    await fund(t, account, '100.00');
    const cp = await usCounterparty(t, customer);
    const withdrawal = await ok(
      t.api.post('/v1/withdrawals', {
        source_account_id: account,
        destination_counterparty_id: cp,
        purpose: 'PERSONAL_ACCOUNT',
        withdrawal_rail: 'ACH',
        amount: '25.00',
      }),
    );
    await ok(t.api.post(`/v1/withdrawals/${withdrawal.id}/accept`));
    await advance(t, 61);
    await advance(t, 600);
    await advance(t, 400 * 86_400);
    const serverReceipt = await ok(t.api.get(`/v1/withdrawals/${withdrawal.id}/receipt`, { accept: 'application/json' }));
    expect(serverReceipt.status).toBe('EXECUTED');
    const statements = await ok(t.api.get(`/v1/accounts/deposits/${account}/statements?page_size=100`));
    const allMonths = statements.statements.map((s: { id: string }) => s.id);
    expect(allMonths.length).toBeGreaterThanOrEqual(14);
    const serverLines = (await ok(t.api.get(`/v1/transactions?page_size=100`))).transactions.map((l: { id: string }) => l.id);
    expect(serverLines.length).toBeGreaterThanOrEqual(3);
    const { id: application } = await createApplication(applicant.api, individualApplication());
    const [doc] = await requiredDocuments(applicant.api, application);
    expect((await uploadFile(applicant.api, doc?.id as string, FILES.pdf, 'id.pdf')).status).toBe(200);

    const run = await runScript(installed.dir, 'files-and-lists.mjs', {
      BASE_URL: base,
      WITHDRAWAL: withdrawal.id,
      ACCOUNT: account,
      DOCUMENT: doc?.id as string,
      DOC_CLIENT_ID: applicant.clientId,
      DOC_CLIENT_SECRET: applicant.secret,
      ...creds(t),
    });
    expect(run.code, run.stderr).toBe(0);
    const r = run.result;
    expect(r.receipt).toEqual({
      status: 'EXECUTED',
      amount: serverReceipt.amount,
      withdrawal_id: serverReceipt.withdrawal_id ?? serverReceipt.id,
    });
    expect(r.receipt.amount).toBe('25'); // the exact text the server wrote, as a string
    expect(r.receiptPdf).toMatchObject({ head: '%PDF-', type: 'application/pdf' });
    expect([r.viaGet, r.viaRequest]).toEqual(['EXECUTED', 'EXECUTED']);
    expect(r.mixed).toEqual({ ok: false, isLedgerlineError: true, isSyntaxError: false, status: 200, code: 'UNEXPECTED_CONTENT_TYPE' });
    // Every month once, newest first, past the first page of 12; the same by pages of 5.
    expect(r.months).toEqual(allMonths);
    expect(r.defaultPages).toHaveLength(2);
    expect(r.defaultPages[1]).toMatch(/^\?cursor=/);
    expect(r.byFive).toEqual(allMonths);
    expect(r.fivePages).toHaveLength(Math.ceil(allMonths.length / 5));
    const oldest = await ok(t.api.get(`/v1/accounts/deposits/${account}/statements/${allMonths.at(-1)}`));
    expect(oldest.lines.length).toBeGreaterThanOrEqual(2); // funded and withdrawn in its first month
    expect(r.statement).toEqual({ id: allMonths.at(-1), account_id: account, lines: oldest.lines.length });
    expect(r.statementPdf).toEqual({ head: '%PDF-', type: 'application/pdf' });
    expect(r.document).toEqual({ id: doc?.id, status: 'SUBMITTED' });
    expect(r.download).toEqual({ type: 'application/pdf', base64: FILES.pdf.toString('base64') });
    expect(r.transactions).toEqual(serverLines);
    expect(r.paginated).toEqual(serverLines);
    const accountLines = (await ok(t.api.get(`/v1/accounts/deposits/${account}/transactions?page_size=100`))).transactions;
    expect(r.ofAccount).toEqual(accountLines.map((l: { id: string }) => l.id));
    expect(r.ofAccount.length).toBeGreaterThanOrEqual(2);
  });

  it('throws typed errors: status, code, field, request id, every problem', async () => {
    const t = await newTenant(app);
    const run = await runScript(installed.dir, 'validation-error.mjs', { BASE_URL: base, ...creds(t) });
    expect(run.code, run.stderr).toBe(0);
    const v = run.result.validation;
    expect(v).toMatchObject({ isLedgerlineError: true, name: 'LedgerlineError', status: 400, code: 'VALIDATION_ERROR' });
    expect(v.requestId).toMatch(/^req_/);
    expect(v.errors.length).toBeGreaterThanOrEqual(2);
    expect(v.errors.map((e: { field?: string }) => e.field)).toEqual(expect.arrayContaining(['colour', 'date_of_birth']));
    expect(v.field).toBe(v.errors[0].field);
    expect(run.result.notFound).toMatchObject({ isLedgerlineError: true, status: 404, code: 'NOT_FOUND' });
  });

  it('verifies a real webhook delivery and refuses tampered ones', async () => {
    const t = await newTenant(app);
    const receiver = await new Receiver().start();
    try {
      const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url('/hooks'));
      const id = uid('wh');
      expect((await t.api.post('/v1/customers', corporationBody(id))).status).toBe(200);
      const delivery = await until(
        'a delivery',
        () => pass(app, t.clientId),
        () => receiver.at('/hooks')[0],
      );
      const file = join(installed.dir, `delivery-${Date.now()}.json`);
      const headers = { 'x-l2f-event-id': delivery.eventId, 'x-timestamp': delivery.timestamp, 'x-signature': delivery.signature };
      writeFileSync(file, JSON.stringify({ raw: delivery.raw, headers, key: sub.key }));
      const run = await runScript(installed.dir, 'webhook.mjs', { DELIVERY_FILE: file });
      expect(run.code, run.stderr).toBe(0);
      expect(run.result.good.ok).toBe(true);
      expect(run.result.good.event).toMatchObject({ event_type: 'CUSTOMER_ACTIVE', event_data: { customer: { id, status: 'ACTIVE' } } });
      expect(run.result.goodBuffer.ok).toBe(true);
      expect(run.result.tamperedBody).toMatchObject({ changed: true, ok: false, isWebhookVerificationError: true });
      expect(run.result.tamperedTimestamp).toMatchObject({ ok: false, isWebhookVerificationError: true });
      expect(run.result.otherKey).toMatchObject({ ok: false, isWebhookVerificationError: true });
    } finally {
      await receiver.close();
    }
  });

  it('installs with openapi-fetch as its only dependency: none of the server’s (pg, PGlite, fastify)', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(join(installed.dir, 'node_modules', '@ledgerline', 'sdk', 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['openapi-fetch']);
    for (const heavy of ['pg', '@electric-sql/pglite', 'fastify', 'drizzle-orm'])
      expect(existsSync(join(installed.dir, 'node_modules', heavy))).toBe(false);
    expect(existsSync(join(installed.dir, 'node_modules', '@ledgerline', 'sdk', 'dist', 'index.d.ts'))).toBe(true);
  });

  it('types request bodies: a wrong body does not compile, a right one does', async () => {
    const good = await tsc(installed.dir, ['typed-good.ts']);
    expect(good.output).toBe('');
    expect(good.code).toBe(0);
    const bad = await tsc(installed.dir, ['typed-bad.ts']);
    expect(bad.code).not.toBe(0);
    const errors = bad.output.split('\n').filter((l) => l.startsWith('typed-bad.ts('));
    expect(errors.map((l) => l.slice(0, l.indexOf(','))).sort()).toEqual(['typed-bad.ts(5', 'typed-bad.ts(8', 'typed-bad.ts(11'].sort());
    expect(bad.output).toMatch(/amount/);
    expect(bad.output).toMatch(/destination_account_id/);
    expect(bad.output).toMatch(/colour/);
  });
});
