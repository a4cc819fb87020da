/**
 * The webhook dispatcher's queue (event_outbox, migration 0054): every event enters it with its
 * insert, whoever writes it; the dispatcher takes it off in the transaction that makes its
 * deliveries; the event row itself is written once and never updated (before, dispatching set
 * events.dispatched_at, a second version of every event with an entry in each of its indexes).
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { getApp, newTenant } from '../helpers.js';
import { customerWithAccount, fund, ok, USD } from '../money/_fixtures.js';
import { newCustomer, pass, subscribe } from './_support.js';

type Row = Record<string, unknown>;

describe('the dispatcher queue (event_outbox)', () => {
  it('queues events as they are written and takes them off when dispatched, without updating the event', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const raw = (text: string, params: unknown[] = []) => app.ledgerline.database.rawTransaction((s) => s.query<Row>(text, params));
    const { accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '5.00'); // writeEvents (TypeScript) and the ledger's SQL both write events

    const events = await raw(
      `SELECT e.id, e.xmin::text AS xmin, o.seq IS NOT NULL AS queued
         FROM events e LEFT JOIN event_outbox o ON o.seq = e.seq WHERE e.client_id = $1 ORDER BY e.seq`,
      [t.clientId],
    );
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.queued === true)).toBe(true);

    await pass(app, t.clientId);
    const after = await raw(
      `SELECT e.id, e.xmin::text AS xmin, o.seq IS NOT NULL AS queued
         FROM events e LEFT JOIN event_outbox o ON o.seq = e.seq WHERE e.client_id = $1 ORDER BY e.seq`,
      [t.clientId],
    );
    // Off the queue, and the same row versions as written.
    expect(after).toEqual(events.map((e) => ({ ...e, queued: false })));
  });

  it("a batch's refused items leave neither events nor places in the queue", async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const raw = (text: string, params: unknown[] = []) => app.ledgerline.database.rawTransaction((s) => s.query<Row>(text, params));
    const a = (await customerWithAccount(t, USD)).accountId;
    const b = (await customerWithAccount(t, USD)).accountId;
    await fund(t, a, '10.00');
    // The second item is more than what the first leaves: refused under the ledger's locks.
    const { results } = await ok(
      t.api.post('/v1/transfers/batch', {
        execute: true,
        transfers: [
          { source_account_id: a, destination_account_id: b, amount: '6.00' },
          { source_account_id: a, destination_account_id: b, amount: '6.00' },
        ],
      }),
    );
    expect(results[0].transfer.status).toBe('EXECUTED');
    expect(results[1].errors[0].code).toBe('INSUFFICIENT_FUNDS');

    const [counts] = await raw(
      `SELECT (SELECT count(*)::int FROM event_outbox o WHERE o.client_id = $1
                  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = o.seq)) AS orphans,
              (SELECT count(*)::int FROM events e WHERE e.client_id = $1 AND e.event_type = 'TRANSACTION_POSTED'
                  AND e.event_data->'transaction'->>'category_id' = $2) AS executed_events`,
      [t.clientId, results[0].transfer.id],
    );
    expect(counts).toEqual({ orphans: 0, executed_events: 2 });
  });

  it('migration 0054 queues the events an earlier version had not dispatched, and only those', async () => {
    const database = await openDatabase({});
    try {
      await migrate(
        database,
        listMigrations().filter((m) => m.version < '0054'),
        [],
      );
      await database.rawTransaction(async (s) => {
        await s.query(
          `INSERT INTO clients (id, name, secret_hash, regulated, scopes, signing_required, is_operator, tokens_valid_after, created_at, updated_at)
           VALUES ('old', 'old', 'x', true, '{}', false, false, now(), now(), now())`,
        );
        for (const [id, dispatched] of [
          ['evt_done', true],
          ['evt_waiting', false],
        ] as const) {
          await s.query(
            `INSERT INTO events (client_id, id, event_type, resource_type, resource_id, event_data, created_at, dispatched_at)
             VALUES ('old', $1, 'CUSTOMER_ACTIVE', 'customer', 'c1', '{}', now(), CASE WHEN $2 THEN now() END)`,
            [id, dispatched],
          );
        }
      });
      await migrate(database, listMigrations());
      const queued = await database.rawTransaction((s) =>
        s.query<Row>('SELECT o.event_id FROM event_outbox o JOIN events e ON e.seq = o.seq ORDER BY o.seq'),
      );
      expect(queued).toEqual([{ event_id: 'evt_waiting' }]);
      const columns = await database.rawTransaction((s) =>
        s.query<Row>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'dispatched_at'`),
      );
      expect(columns).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

// Concurrent transactions need PostgreSQL (the embedded database has one connection).
describe.runIf(!!process.env.TEST_DATABASE_URL)('dispatchers racing (PostgreSQL)', () => {
  it('two dispatchers taking small batches at once make exactly one delivery per event', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', 'http://127.0.0.1:9/hook');
    for (let i = 0; i < 20; i++) await newCustomer(t.api);
    const { delivery } = app.ledgerline.webhookWorker;
    const drain = async () => {
      for (let round = 0; round < 500; round++) if ((await delivery.dispatch(3)) === 0) return;
    };
    await Promise.all([drain(), drain()]);
    const rows = await app.ledgerline.database.rawTransaction((s) =>
      s.query<Row>(
        `SELECT count(*)::int AS deliveries, count(DISTINCT event_id)::int AS events,
                (SELECT count(*)::int FROM events WHERE client_id = $1 AND event_type = 'CUSTOMER_ACTIVE') AS written
           FROM webhook_deliveries WHERE client_id = $1 AND subscription_id = $2`,
        [t.clientId, sub.id],
      ),
    );
    expect(rows).toEqual([{ deliveries: 20, events: 20, written: 20 }]);
  });
});
