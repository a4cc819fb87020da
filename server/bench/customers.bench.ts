/**
 * Customers read benchmark (issue 2): `npm run bench:customers` (root or server).
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ledgerline_bench,
 * recreated on every run) it loads 100,000 customers for one regulated tenant, 1,000 of them
 * through POST /v1/customers and the rest by bulk SQL shaped like API-written rows, then measures
 * over a real port:
 *   - GET /v1/customers?limit=20                     cursor style, first page
 *   - GET /v1/customers?limit=20&cursor=<mid walk>    cursor style, a page half-way through
 *   - GET /v1/customers?page=2500&page_size=20        page style, offset 50,000
 *   - GET /v1/customers?status=FROZEN&limit=20        filtered cursor page
 *   - GET /v1/customers/{id}                          retrieve, random existing ids
 * sequentially (concurrency 1) and with 10 concurrent connections, against a baseline of the same
 * SQL statements sent through a `pg` client. Targets: cursor page p99 < 10 ms, retrieve p99 < 5 ms
 * (at concurrency 1). Exits non-zero on errors only, never on a missed target.
 *
 * Options: --drop (or BENCH_DROP=1) drops the bench database at the end;
 * BENCH_CUSTOMERS (default 100000), BENCH_C10_SECONDS (default 10) shrink a run for development.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config/index.js';
import { dropDatabase } from '../src/db/admin.js';
import { type LoadResult, nowMs, runLoad, type Stats, timeSequential } from './_lib.js';
import { recreateDatabase } from './_setup.js';

// ---- settings ---------------------------------------------------------------------------------

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline_bench';
const DROP_AFTER = process.argv.includes('--drop') || process.env.BENCH_DROP === '1';
const TOTAL = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const C10_SECONDS = Number(process.env.BENCH_C10_SECONDS ?? 10);
const API_CREATES = Math.min(1_000, Math.floor(TOTAL / 10));
const BULK = TOTAL - API_CREATES;
const BATCH = 10_000;
const PAGE_SIZE = 20;
const DEEP_PAGE = Math.floor(TOTAL / 2 / PAGE_SIZE); // 2,500 for 100,000 rows: offset 50,000
const SEQ = { warmup: 200, count: 2_000, maxMs: 60_000 };
const RAW = { warmup: 200, count: 2_000, maxMs: 30_000 };
const TARGETS = { cursorP99: 10, retrieveP99: 5 };
const OPERATOR = { id: 'bench-operator', secret: 'bench-operator-secret-0123456789' };

if (!Number.isInteger(TOTAL) || TOTAL < 1_000) throw new Error('BENCH_CUSTOMERS must be a whole number >= 1000');
if (!(C10_SECONDS > 0 && C10_SECONDS <= 60)) throw new Error('BENCH_C10_SECONDS must be between 0 and 60');

const log = (msg: string) => console.log(`[bench] ${msg}`);
const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(2) : '-');
const int = (n: number) => Math.round(n).toLocaleString('en-US');

// ---- database ---------------------------------------------------------------------------------

/**
 * Customers 1..BULK, oldest first, with the details the API stores (the create body minus id,
 * customer_type and read-only fields). Even numbers INDIVIDUAL, odd CORPORATION; every 20th
 * FROZEN (an operator/tenant PATCH after creation, so updated_at is later), the rest ACTIVE.
 */
const BULK_CUSTOMERS_SQL = `
INSERT INTO customers (client_id, id, customer_type, status, details, created_at, updated_at)
SELECT $1,
       'bulk-' || lpad(g::text, 7, '0'),
       CASE WHEN g % 2 = 0 THEN 'INDIVIDUAL' ELSE 'CORPORATION' END,
       CASE WHEN g % 20 = 7 THEN 'FROZEN' ELSE 'ACTIVE' END,
       CASE WHEN g % 2 = 0 THEN jsonb_build_object(
         'first_name', (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken'])[1 + g % 8],
         'last_name', (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Thompson','Ritchie'])[1 + g % 9],
         'email_address', 'person' || g || '@example.com',
         'telephone_number', '+1415' || lpad((g % 10000000)::text, 7, '0'),
         'date_of_birth', to_char(date '1950-01-01' + (g % 18000), 'YYYY-MM-DD'),
         'nationality', (ARRAY['US','GB','DE','FR','CA'])[1 + g % 5],
         'mailing_address', jsonb_build_object(
           'address_line1', (1 + g % 999) || ' Main St', 'city', 'New York', 'state', 'NY',
           'postal_code', lpad((10001 + g % 200)::text, 5, '0'), 'country_code', 'US'))
       ELSE jsonb_build_object(
         'registered_name', 'Company ' || g || ' Inc.',
         'trading_name', 'Company ' || g,
         'registered_number', 'C' || lpad(g::text, 7, '0'),
         'corporate_entity_type', (ARRAY['LLC','C_CORP_PRIVATE','LP','S_CORP'])[1 + g % 4],
         'country_of_incorporation', 'US',
         'state_of_incorporation', 'DE',
         'email_address', 'treasury' || g || '@corp.example',
         'telephone_number', '+1628' || lpad((g % 10000000)::text, 7, '0'),
         'registered_address', jsonb_build_object(
           'address_line1', (1 + g % 999) || ' Market St', 'city', 'San Francisco', 'state', 'CA',
           'postal_code', '94105', 'country_code', 'US'))
       END,
       t.at,
       CASE WHEN g % 20 = 7 THEN t.at + interval '1 day' ELSE t.at END
FROM generate_series($2::int, $3::int) AS g,
     LATERAL (SELECT $4::timestamptz + g * interval '1 minute' AS at) AS t
ORDER BY g`;

/** Every fifth corporation has two individuals (an officer and a beneficial owner). */
const BULK_INDIVIDUALS_SQL = `
INSERT INTO customer_individuals (client_id, customer_id, id, details, created_at, updated_at)
SELECT c.client_id, c.id, 'ind_' || gen_random_uuid(),
       jsonb_build_object('individual_type', jsonb_build_array(r.role), 'first_name', r.first, 'last_name', 'Officer',
                          'email_address', lower(r.first) || '@corp.example', 'percentage_ownership', r.share),
       c.created_at, c.created_at
FROM customers c
CROSS JOIN (VALUES ('OFFICER', 'Olivia', 0), ('BENEFICIAL_OWNER', 'Oscar', 60)) AS r(role, first, share)
WHERE c.client_id = $1 AND c.id LIKE 'bulk-%' AND c.customer_type = 'CORPORATION' AND right(c.id, 7)::int % 10 = 1
ORDER BY c.seq, r.role DESC`;

/**
 * The events the API would have written: one per creation, one per freeze. They are history, so
 * already dispatched (BULK_EVENTS_DISPATCHED_SQL takes them off the webhook dispatcher's queue):
 * left there, the webhook worker would drain them during the measurements.
 */
const BULK_EVENTS_SQL = `
INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at)
SELECT c.client_id, 'evt_' || gen_random_uuid(), 'CUSTOMER_' || e.status, 'customer', c.id,
       jsonb_build_object('customer', jsonb_build_object('id', c.id, 'status', e.status)), e.at
FROM customers c
CROSS JOIN LATERAL (VALUES ('ACTIVE', c.created_at), ('FROZEN', c.updated_at)) AS e(status, at)
WHERE c.client_id = $1 AND c.id LIKE 'bulk-%' AND (e.status = 'ACTIVE' OR c.status = 'FROZEN')
ORDER BY c.seq, e.at`;
const BULK_EVENTS_DISPATCHED_SQL = `
DELETE FROM event_outbox o
WHERE o.client_id = $1 AND NOT EXISTS (
  SELECT 1 FROM unnest(o.event_ids) x JOIN events e ON e.client_id = o.client_id AND e.id = x
   WHERE NOT (e.resource_type = 'customer' AND e.resource_id LIKE 'bulk-%'))`;

function apiBody(i: number): string {
  const id = `api-${String(i).padStart(6, '0')}`;
  return JSON.stringify(
    i % 2 === 0
      ? {
          id,
          customer_type: 'INDIVIDUAL',
          first_name: 'Ada',
          last_name: 'Lovelace',
          email_address: `ada${i}@example.com`,
          telephone_number: '+14155550101',
          date_of_birth: '1990-12-10',
          nationality: 'GB',
          mailing_address: { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' },
        }
      : {
          id,
          customer_type: 'CORPORATION',
          registered_name: `Acme ${i} Inc.`,
          trading_name: 'Acme',
          corporate_entity_type: 'LLC',
          country_of_incorporation: 'US',
          email_address: `ops${i}@acme.example`,
          registered_address: {
            address_line1: '1 Market St',
            city: 'San Francisco',
            state: 'CA',
            postal_code: '94105',
            country_code: 'US',
          },
        },
  );
}

// ---- SQL capture: which statements does one request issue? -----------------------------------

interface Statement {
  text: string;
  values: unknown[];
  rowMode?: string;
  types?: unknown;
}

/** Statements sent from inside `capture(fn)` only: the app's background workers keep their own context. */
const capture = new AsyncLocalStorage<Statement[]>();
{
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const capturing = capture.getStore();
    if (capturing) {
      const [config, values] = args;
      if (typeof config === 'string') capturing.push({ text: config, values: Array.isArray(values) ? values : [] });
      else if (config && typeof config === 'object' && 'text' in config) {
        const c = config as { text: string; values?: unknown[]; rowMode?: string; types?: unknown };
        capturing.push({ text: c.text, values: Array.isArray(values) ? values : (c.values ?? []), rowMode: c.rowMode, types: c.types });
      }
    }
    return original.apply(this, args);
  };
}

const shortSql = (text: string) =>
  text
    .replace(
      /select "client_id", "id", "customer_type", "status", "details", "created_at", "updated_at", "seq"/,
      'select <customer columns>',
    )
    .replace(/select "client_id", "customer_id", "id", "details", "created_at", "updated_at", "seq"/, 'select <individual columns>')
    .replace(/select "id", "name", "secret_hash", .*? from/, 'select <client columns> from')
    .replace(/\s+/g, ' ');

// ---- main -------------------------------------------------------------------------------------

interface Case {
  key: string;
  label: string;
  paths: string[];
  /** The statement the case is about (for the raw baseline and EXPLAIN). */
  main?: Statement;
  all?: Statement[];
  target?: number;
  seq?: LoadResult;
  c10?: LoadResult;
  raw?: Stats;
  rawAll?: Stats;
}

async function main(): Promise<void> {
  const t0 = nowMs();
  const errors: string[] = [];
  // Other processes on the machine skew latencies (p99 above all): say how busy it was before we started.
  const loadAtStart = loadavg()[0] as number;
  log(`database ${DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')}: recreating`);
  await recreateDatabase(DATABASE_URL);

  const config = loadConfig({
    DATABASE_URL,
    LOG_LEVEL: 'silent',
    OPERATOR_CLIENT_ID: OPERATOR.id,
    OPERATOR_CLIENT_SECRET: OPERATOR.secret,
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_SECOND: '0',
    TOKEN_TTL_SECONDS: '3600',
  });
  const app = await buildApp(config);
  const sql = new pg.Client({ connectionString: DATABASE_URL, application_name: 'ledgerline-bench' });
  try {
    await bootstrap(app);
    await sql.connect();

    // A regulated tenant and its token, as test/helpers.ts makes them.
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const token = async (id: string, secret: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/oauth2/token?grant_type=client_credentials',
        headers: { authorization: basic(id, secret) },
      });
      if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${res.body}`);
      return res.json().access_token as string;
    };
    const opToken = await token(OPERATOR.id, OPERATOR.secret);
    const created = await app.inject({
      method: 'POST',
      url: '/v1/admin/clients',
      headers: { authorization: `Bearer ${opToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'bench tenant', regulated: true }),
    });
    if (created.statusCode !== 200) throw new Error(`create client: ${created.statusCode} ${created.body}`);
    const tenant = created.json().data as { client_id: string; client_secret: string };
    const auth = { authorization: `Bearer ${await token(tenant.client_id, tenant.client_secret)}` };
    log(`tenant ${tenant.client_id}`);

    // ---- load data ------------------------------------------------------------------------
    let t = nowMs();
    const start = new Date(Date.now() - (BULK + 7 * 24 * 60) * 60_000).toISOString(); // ends a week ago
    for (let lo = 1; lo <= BULK; lo += BATCH) {
      const hi = Math.min(BULK, lo + BATCH - 1);
      await sql.query(BULK_CUSTOMERS_SQL, [tenant.client_id, lo, hi, start]);
    }
    const bulkMs = nowMs() - t;
    t = nowMs();
    const individuals = (await sql.query(BULK_INDIVIDUALS_SQL, [tenant.client_id])).rowCount ?? 0;
    const events = (await sql.query(BULK_EVENTS_SQL, [tenant.client_id])).rowCount ?? 0;
    await sql.query(BULK_EVENTS_DISPATCHED_SQL, [tenant.client_id]);
    log(
      `bulk SQL: ${int(BULK)} customers in ${int(bulkMs)} ms (${int((BULK / bulkMs) * 1000)}/s, batches of ${int(BATCH)}); ` +
        `${int(individuals)} individuals and ${int(events)} events in ${int(nowMs() - t)} ms`,
    );

    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no listening address');
    const origin = `http://127.0.0.1:${address.port}`;
    log(`listening on ${origin}`);

    const creates = await runLoad({
      origin,
      method: 'POST',
      paths: ['/v1/customers'],
      bodies: Array.from({ length: API_CREATES }, (_, i) => apiBody(i + 1)),
      headers: auth,
      concurrency: 1,
      warmup: 0,
      requests: API_CREATES,
      maxMs: 120_000,
      expectStatus: 200,
    });
    if (creates.errors) errors.push(`POST /v1/customers: ${creates.errors} errors, first: ${creates.firstError}`);
    log(
      `API: ${int(creates.n)} × POST /v1/customers (concurrency 1) in ${int(creates.elapsedMs)} ms: ` +
        `${int(creates.rps)} req/s, p50 ${fmt(creates.p50)} ms, p99 ${fmt(creates.p99)} ms`,
    );

    // The webhook worker dispatches the API-created customers' events in the background: let it
    // finish before measuring (bounded wait).
    t = nowMs();
    for (;;) {
      const { n } = (await sql.query('SELECT count(*)::int AS n FROM event_outbox')).rows[0] as { n: number };
      if (n === 0) break;
      if (nowMs() - t > 60_000) {
        log(`${n} events still undispatched after 60 s: measuring anyway`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`events dispatched in ${int(nowMs() - t)} ms`);

    t = nowMs();
    // VACUUM, not only ANALYZE: 100,000 inserts would otherwise trigger autovacuum in the middle of
    // the measurements, and it sets the visibility map that index-only scans rely on. CHECKPOINT
    // writes the loaded pages out now rather than during the measurements.
    await sql.query('VACUUM (ANALYZE) customers, customer_individuals, events, clients');
    await sql.query('CHECKPOINT').catch((err: Error) => log(`CHECKPOINT skipped: ${err.message}`));
    log(`VACUUM (ANALYZE) and CHECKPOINT in ${int(nowMs() - t)} ms`);

    const counts = (
      await sql.query(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'FROZEN')::int AS frozen,
                count(*) FILTER (WHERE customer_type = 'CORPORATION')::int AS corporations,
                pg_size_pretty(pg_total_relation_size('customers')) AS size
         FROM customers WHERE client_id = $1`,
        [tenant.client_id],
      )
    ).rows[0] as { total: number; frozen: number; corporations: number; size: string };
    if (counts.total !== TOTAL) throw new Error(`expected ${TOTAL} customers, found ${counts.total}`);
    log(
      `customers: ${int(counts.total)} (${int(counts.corporations)} CORPORATION, ${int(counts.frozen)} FROZEN), ` +
        `table + indexes ${counts.size}`,
    );

    // ---- discover the requests and check they answer what the data says ---------------------
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: auth });
      if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
      return res.json() as {
        data: { customers?: { id: string }[]; id?: string };
        pagination: { has_more: boolean; next_cursor: string | null };
      };
    };
    const idsAt = async (offset: number, n: number) =>
      (
        await sql.query('SELECT id FROM customers WHERE client_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT $3', [tenant.client_id, offset, n])
      ).rows.map((r: { id: string }) => r.id);
    const expectPage = async (url: string, offset: number) => {
      const page = await get(url);
      const got = (page.data.customers ?? []).map((c) => c.id);
      const want = await idsAt(offset, PAGE_SIZE);
      if (got.join() !== want.join()) throw new Error(`GET ${url} did not return rows ${offset}..${offset + PAGE_SIZE - 1}`);
      return page;
    };
    // A short cursor walk from the head, then the deep page-style page, whose next_cursor is a
    // genuine cursor from the middle of the walk.
    let cursor: string | null = null;
    for (let p = 0; p < 5; p++) {
      const page = await expectPage(`/v1/customers?limit=${PAGE_SIZE}${cursor ? `&cursor=${cursor}` : ''}`, p * PAGE_SIZE);
      cursor = page.pagination.next_cursor;
    }
    const deepOffset = DEEP_PAGE * PAGE_SIZE;
    const deepUrl = `/v1/customers?page=${DEEP_PAGE}&page_size=${PAGE_SIZE}`;
    const midCursor = (await expectPage(deepUrl, deepOffset)).pagination.next_cursor;
    if (!midCursor) throw new Error('the deep page has no next_cursor');
    const midUrl = `/v1/customers?limit=${PAGE_SIZE}&cursor=${midCursor}`;
    await expectPage(midUrl, deepOffset + PAGE_SIZE);
    const frozenUrl = `/v1/customers?status=FROZEN&limit=${PAGE_SIZE}`;
    const frozen = await get(frozenUrl);
    if (frozen.data.customers?.length !== PAGE_SIZE) throw new Error('the FROZEN filter returned a short page');

    await sql.query('SELECT setseed(0.42)');
    const randomIds = (
      await sql.query('SELECT id FROM customers WHERE client_id = $1 ORDER BY random() LIMIT 5000', [tenant.client_id])
    ).rows.map((r: { id: string }) => r.id);
    // A corporation with individuals: the retrieve that issues the most statements.
    const probeId = randomIds.find((id) => id.startsWith('bulk-') && Number(id.slice(5)) % 10 === 1);
    if (!probeId) throw new Error('no corporation with individuals among the sampled ids');
    if ((await get(`/v1/customers/${probeId}`)).data.id !== probeId) throw new Error('retrieve returned another customer');
    log(`requests checked against SQL (cursor walk, deep page, mid-walk cursor, filter, retrieve) in ${int(nowMs() - t0)} ms since start`);

    const cases: Case[] = [
      { key: 'first', label: 'cursor page, first (limit=20)', paths: [`/v1/customers?limit=${PAGE_SIZE}`], target: TARGETS.cursorP99 },
      { key: 'mid', label: `cursor page, mid-walk (after row ${int(deepOffset + PAGE_SIZE)})`, paths: [midUrl], target: TARGETS.cursorP99 },
      { key: 'deep', label: `page style, page=${DEEP_PAGE} (offset ${int(deepOffset)})`, paths: [deepUrl] },
      { key: 'frozen', label: 'cursor page, status=FROZEN', paths: [frozenUrl] },
      {
        key: 'get',
        label: 'retrieve /customers/{id}, random ids',
        paths: randomIds.map((id) => `/v1/customers/${encodeURIComponent(id)}`),
        target: TARGETS.retrieveP99,
      },
    ];

    // The statements each request issues (captured from the app's own pg client).
    for (const c of cases) {
      const statements: Statement[] = [];
      await capture.run(statements, () => get(c.key === 'get' ? `/v1/customers/${probeId}` : (c.paths[0] as string)));
      c.all = statements;
      c.main = c.all.find((s) => /from "customers"/.test(s.text) && !/count\(/.test(s.text));
      if (!c.main) throw new Error(`${c.key}: no customers statement captured`);
    }
    capture.disable(); // no async-context bookkeeping of ours during the measurements

    // ---- HTTP: concurrency 1, then 10 ---------------------------------------------------------
    const health = await runLoad({
      origin,
      method: 'GET',
      paths: ['/healthz'],
      headers: {},
      concurrency: 1,
      warmup: SEQ.warmup,
      requests: SEQ.count,
      maxMs: SEQ.maxMs,
      expectStatus: 200,
    });
    for (const c of cases) {
      c.seq = await runLoad({
        origin,
        method: 'GET',
        paths: c.paths,
        headers: auth,
        concurrency: 1,
        warmup: SEQ.warmup,
        requests: SEQ.count,
        maxMs: SEQ.maxMs,
        expectStatus: 200,
      });
      log(`HTTP c=1  ${c.label}: n=${c.seq.n} p50 ${fmt(c.seq.p50)} ms, p99 ${fmt(c.seq.p99)} ms, ${int(c.seq.rps)} req/s`);
    }
    // The c=1 runs keep about one core busy (server, client, PostgreSQL in turn): a 1-minute load
    // average well above 1 now means other work shared the machine during them.
    const loadAfterSeq = loadavg()[0] as number;
    for (const c of cases) {
      c.c10 = await runLoad({
        origin,
        method: 'GET',
        paths: c.paths,
        headers: auth,
        concurrency: 10,
        warmup: SEQ.warmup,
        durationMs: C10_SECONDS * 1000,
        maxMs: C10_SECONDS * 1000,
        expectStatus: 200,
      });
      log(`HTTP c=10 ${c.label}: n=${c.c10.n} p50 ${fmt(c.c10.p50)} ms, p99 ${fmt(c.c10.p99)} ms, ${int(c.c10.rps)} req/s`);
    }
    for (const c of cases) {
      for (const r of [c.seq, c.c10]) if (r?.errors) errors.push(`${c.label}: ${r.errors} errors, first: ${r.firstError}`);
    }
    if (health.errors) errors.push(`/healthz: ${health.errors} errors, first: ${health.firstError}`);

    // ---- baseline: the same SQL through a pg client, concurrency 1 -------------------------------
    const run = (s: Statement, values = s.values) =>
      sql.query({ text: s.text, rowMode: s.rowMode, types: s.types } as pg.QueryConfig, values as unknown[]);
    const ping = await timeSequential(() => sql.query('SELECT 1'), RAW);
    for (const c of cases) {
      const main = c.main as Statement;
      if (c.key === 'get') {
        const idIndex = main.values.indexOf(probeId);
        if (idIndex < 0) throw new Error('retrieve statement does not take the id as a parameter');
        c.raw = await timeSequential((i) => {
          const values = [...main.values];
          values[idIndex] = randomIds[i % randomIds.length];
          return run(main, values);
        }, RAW);
      } else {
        c.raw = await timeSequential(() => run(main), RAW);
      }
      c.rawAll = await timeSequential(async () => {
        for (const s of c.all as Statement[]) await run(s);
      }, RAW);
      log(
        `raw SQL   ${c.label}: p50 ${fmt(c.raw.p50)} ms, p99 ${fmt(c.raw.p99)} ms; all ${c.all?.length} statements p50 ${fmt(c.rawAll.p50)} ms`,
      );
    }

    // ---- EXPLAIN ------------------------------------------------------------------------------
    const explain = async (title: string, s: Statement) => {
      const rows = (await sql.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`, s.values as unknown[])).rows as {
        'QUERY PLAN': string;
      }[];
      console.log(`\n-- ${title}\n-- ${shortSql(s.text)}\n-- params: ${JSON.stringify(s.values.map(String))}`);
      for (const r of rows) console.log(`   ${r['QUERY PLAN']}`);
    };
    const byKey = (k: string) => cases.find((c) => c.key === k) as Case;
    console.log('\n== EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) of the statements the app sends ==');
    await explain('keyset page (mid-walk cursor)', byKey('mid').main as Statement);
    await explain(`OFFSET page (page ${DEEP_PAGE})`, byKey('deep').main as Statement);
    const count = byKey('deep').all?.find((s) => /count\(/.test(s.text));
    if (count) await explain('page-style total (links.last), run alongside the OFFSET page', count);
    await explain('filtered keyset page (status=FROZEN)', byKey('frozen').main as Statement);
    await explain('PK lookup (retrieve)', byKey('get').main as Statement);

    // ---- report -------------------------------------------------------------------------------
    const pgVersion = ((await sql.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
    const sharedBuffers = ((await sql.query('SHOW shared_buffers')).rows[0] as { shared_buffers: string }).shared_buffers;
    const cpu = cpus();
    console.log('\n== Statements per request (captured from the app) ==');
    for (const c of cases) {
      console.log(`${c.label}: ${c.all?.length}`);
      for (const s of c.all ?? []) console.log(`   ${shortSql(s.text).slice(0, 160)}`);
    }

    console.log(
      `\n== Results: ${int(TOTAL)} customers, one tenant; ${cpu.length} × ${cpu[0]?.model.trim()}, Node ${process.version}, ` +
        `PostgreSQL ${pgVersion} (shared_buffers ${sharedBuffers}), pool 10; latencies in ms ==`,
    );
    console.log(
      `1-minute load average: ${loadAtStart.toFixed(2)} when the bench started, ${loadAfterSeq.toFixed(2)} after the c=1 runs` +
        `${loadAtStart > 0.5 || loadAfterSeq > 1.5 ? ' (other work shared the machine: read p99 with care)' : ''}\n`,
    );
    const row = (cells: string[]) => console.log(`| ${cells.join(' | ')} |`);
    row(['case', 'c=1 p50', 'c=1 p99', 'c=1 req/s', 'c=10 p50', 'c=10 p99', 'c=10 req/s']);
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']);
    for (const c of cases) {
      const s = c.seq as LoadResult;
      const m = c.c10 as LoadResult;
      row([c.label, fmt(s.p50), fmt(s.p99), int(s.rps), fmt(m.p50), fmt(m.p99), int(m.rps)]);
    }
    row(['GET /healthz (no auth, no SQL)', fmt(health.p50), fmt(health.p99), int(health.rps), '', '', '']);
    console.log(`\nc=1: ${SEQ.count} requests after ${SEQ.warmup} warm-up; c=10: ${C10_SECONDS} s after ${SEQ.warmup} warm-up.\n`);

    row(['case (raw SQL via pg, c=1)', 'raw p50', 'raw p99', 'stmts/req', 'all stmts p50', 'all stmts p99', 'app/raw p50', 'app/raw p99']);
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:']);
    for (const c of cases) {
      const s = c.seq as LoadResult;
      const r = c.raw as Stats;
      const a = c.rawAll as Stats;
      row([
        c.label,
        fmt(r.p50),
        fmt(r.p99),
        String(c.all?.length),
        fmt(a.p50),
        fmt(a.p99),
        `${(s.p50 / r.p50).toFixed(1)}×`,
        `${(s.p99 / r.p99).toFixed(1)}×`,
      ]);
    }
    row(['SELECT 1 (round trip)', fmt(ping.p50), fmt(ping.p99), '1', '', '', '', '']);
    console.log(
      `\nraw: ${RAW.count} executions after ${RAW.warmup} warm-up, one connection, the app's own statement text and parameters; ` +
        '"all stmts" replays every statement the request issued, one after another.',
    );

    console.log('\n== Targets (concurrency 1) ==');
    for (const c of cases) {
      if (c.target === undefined) continue;
      const p99 = (c.seq as LoadResult).p99;
      const at10 = (c.c10 as LoadResult).p99;
      console.log(
        `${p99 < c.target ? 'MET    ' : 'MISSED '} ${c.label}: p99 ${fmt(p99)} ms < ${c.target} ms` +
          `   (at c=10: p99 ${fmt(at10)} ms, ${at10 < c.target ? 'within' : 'over'} target)`,
      );
    }
    log(`done in ${(((nowMs() - t0) / 1000) | 0).toString()} s`);
  } finally {
    await app.close().catch(() => {});
    await sql.end().catch(() => {});
    if (DROP_AFTER) {
      await dropDatabase(DATABASE_URL);
      log('bench database dropped (--drop)');
    } else {
      log(`bench database left in place: ${DATABASE_URL.replace(/\/\/[^@]*@/, '//***@')}`);
    }
  }
  if (errors.length) {
    console.error(`\n${errors.length} error(s):\n${errors.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
