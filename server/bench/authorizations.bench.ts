/**
 * `npm run bench:authorizations` (PostgreSQL): approved card authorizations per second over HTTP
 * (no authorization webhook) — POST /v1/simulations/cards/{id}/authorizations by C concurrent
 * clients for S seconds, spread over N cards (each on its own funded account) — and, right before,
 * the raw-SQL posting baseline of ../shared/bench run by pgbench (16 clients) over as many
 * accounts. Prints approved/s, p50/p99, declines and errors, the baseline's tps and the ratio;
 * checks the ledger at the end. Each approved authorization is a ledger hold under the card's and
 * the account's row locks, its row, its event and its idempotent unit of work.
 *
 * Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ledgerline_bench_cards,
 * dropped and recreated), BENCH_CARDS (200), BENCH_CONCURRENCY (32), BENCH_SECONDS (20),
 * BENCH_BASELINE_SECONDS (15).
 */
import pg from 'pg';
import { runLoad } from './_lib.js';
import { benchApp, benchServerEnv, recreateDatabase } from './_setup.js';
import { assertBaselineAvailable, pgbenchBaseline } from './baseline.js';

const URL_ = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ledgerline_bench_cards';
const N = Number(process.env.BENCH_CARDS ?? 200);
const C = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);
async function main() {
  assertBaselineAvailable();
  const t0 = Date.now();
  await recreateDatabase(URL_);
  const { app, inject, operatorToken: opToken, client, clientToken: tToken } = await benchApp(benchServerEnv(URL_));
  await inject('POST', '/v1/customers', tToken, { id: 'bench-customer', customer_type: 'CORPORATION', registered_name: 'Bench Corp' });
  const asOp = { 'x-l2f-client-id': client.client_id };
  const cards: string[] = [];
  for (let i = 0; i < N; i++) {
    const id = `acc-${i}`;
    await inject('POST', '/v1/accounts/deposits', tToken, {
      customer_id: 'bench-customer',
      account_to_open: { account_id: id, product_id: 'DEPOSIT_BASIC', asset_type_id: 'FIAT_TESTNET_USD' },
    });
    await inject(
      'POST',
      '/v1/admin/adjustments',
      opToken,
      { account_id: id, amount: '100000000', transaction_type: 'CREDIT_CORRECTION', reason: 'bench' },
      asOp,
    );
    const card = (await inject('POST', '/v1/cards', tToken, { customer_id: 'bench-customer', account_id: id, card_type: 'VIRTUAL' })).data;
    cards.push(card.id as string);
  }
  const setupS = ((Date.now() - t0) / 1000).toFixed(1);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const base = await pgbenchBaseline(URL_, { accounts: N, seconds: BASELINE_SECONDS });
  const body = JSON.stringify({ amount: '0.01', merchant: { name: 'Bench Coffee', mcc: '5814', city: 'Oakland', country: 'US' } });
  const http = await runLoad({
    origin,
    method: 'POST',
    paths: cards.map((id) => `/v1/simulations/cards/${id}/authorizations`),
    bodies: [body],
    headers: { authorization: `Bearer ${tToken}` },
    concurrency: C,
    warmup: 200,
    durationMs: SECONDS * 1000,
    maxMs: SECONDS * 1000 + 60_000,
    expectStatus: 200,
  });
  // Declines answer 200 too: the approved share comes from the rows themselves.
  const pgc = new pg.Client({ connectionString: URL_ });
  await pgc.connect();
  const counts = Object.fromEntries(
    (
      await pgc.query<{ status: string; n: string }>(
        'SELECT status, count(*)::text AS n FROM card_authorizations WHERE client_id = $1 GROUP BY status',
        [client.client_id],
      )
    ).rows.map((r) => [r.status, Number(r.n)]),
  );
  await pgc.end();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const approvedShare = total ? (counts.PENDING ?? 0) / total : 0;
  const approvedRate = http.rps * approvedShare;
  const verify = await app.ledgerline.services.ledger.verify(app.ledgerline.database.db);
  await app.close();
  console.log(
    `\nCard authorizations benchmark — PostgreSQL ${URL_.replace(/\/\/[^@]*@/, '//')}, ${C} concurrent clients, ${N} cards, ${SECONDS} s (setup ${setupS} s)`,
  );
  console.table([
    {
      'approved authorizations/s': approvedRate.toFixed(0),
      'http p50 ms': http.p50.toFixed(1),
      'http p99 ms': http.p99.toFixed(1),
      declined: counts.DECLINED ?? 0,
      errors: http.errors,
      'baseline tps (pgbench, 16)': base.tps.toFixed(0),
      ratio: (approvedRate / base.tps).toFixed(3),
    },
  ]);
  if (http.firstError) console.log(`first error: ${http.firstError}`);
  console.log(`ledger after the run: balanced=${verify.balanced}`);
  if (!verify.balanced || http.errors > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
