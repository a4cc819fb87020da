/**
 * ctx.afterCommit (platform/unit-of-work.ts): what a use case runs once its unit has committed, on
 * a small app of its own with probe routes. It runs after COMMIT (the row is visible to another
 * connection), never when the unit rolls back or a refusal undoes the writes, in a group as alone,
 * and a callback that throws does not fail the committed request.
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { queryRows } from '../../src/db/sql.js';
import { type Settled, writeContext } from '../../src/platform/unit-of-work.js';
import { AppError } from '../../src/shared/errors.js';
import { unitOfWorkProbe } from './support.js';

interface Probe {
  id: string;
  refuse?: boolean;
  fail?: boolean;
  throwAfter?: boolean;
}

let app: FastifyInstance;
let database: Database;
/** What each callback saw, by id: the row as another connection reads it when the callback ran. */
const seen = new Map<string, Promise<number>>();

/** The callback a probe registers: counts, from the pool, the probe's committed rows. */
function callback(id: string, throwAfter?: boolean) {
  return () => {
    seen.set(
      id,
      queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM after_commit_probe WHERE id = ${id}`).then(
        (r) => r[0]?.n ?? -1,
      ),
    );
    if (throwAfter) throw new Error('a callback that fails');
  };
}

beforeAll(async () => {
  ({ app, database } = await unitOfWorkProbe());
  await database.transaction((s) => s.query('CREATE TABLE IF NOT EXISTS after_commit_probe (id text NOT NULL)'));
  const alone = async (request: FastifyRequest) => {
    const body = request.body as Probe;
    const ctx = writeContext(request);
    await ctx.tx.execute(sql`INSERT INTO after_commit_probe (id) VALUES (${body.id})`);
    ctx.afterCommit?.(callback(body.id, body.throwAfter));
    // Not yet: the unit has not committed.
    expect(seen.has(body.id)).toBe(false);
    if (body.refuse) throw new AppError('VALIDATION_ERROR', `refused ${body.id}`, 'id');
    if (body.fail) throw new Error('a failure after the write');
    return { data: { id: body.id } };
  };
  app.post('/alone', { config: { auth: { scope: 'transfers:write' } } }, alone);
  app.post(
    '/grouped',
    {
      config: {
        auth: { scope: 'transfers:write' },
        coalesce: {
          run: async (ctx, members): Promise<Settled[]> => {
            const ids = members.map((m) => (m.request.body as Probe).id);
            await ctx.tx.execute(sql`INSERT INTO after_commit_probe (id) SELECT x FROM unnest(${`{${ids.join(',')}}`}::text[]) x`);
            for (const id of ids) ctx.afterCommit?.(callback(id));
            expect(ids.some((id) => seen.has(id))).toBe(false);
            return ids.map((id) => ({ value: { data: { id } } }));
          },
        },
      },
    },
    alone,
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

const post = (url: string, body: Probe, key?: string) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(key && { 'x-l2f-idempotency-id': key }) },
    payload: JSON.stringify(body),
  });
const uid = (what: string) => `${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('ctx.afterCommit', () => {
  it('runs once the unit has committed: another connection sees the row', async () => {
    const id = uid('ok');
    const res = await post('/alone', { id }, `k-${id}`);
    expect(res.statusCode).toBe(200);
    expect(await seen.get(id)).toBe(1);
  });

  it('does not run when a refusal undoes the writes, nor when the unit rolls back', async () => {
    const refused = uid('refused');
    expect((await post('/alone', { id: refused, refuse: true }, `k-${refused}`)).statusCode).toBe(400);
    const failed = uid('failed');
    expect((await post('/alone', { id: failed, fail: true }, `k-${failed}`)).statusCode).toBe(500);
    expect(seen.has(refused)).toBe(false);
    expect(seen.has(failed)).toBe(false);
    const rows = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM after_commit_probe WHERE id IN (${refused}, ${failed})`,
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('runs for each member of a group, after the group commits', async () => {
    const ids = Array.from({ length: 6 }, () => uid('grouped'));
    const answers = await Promise.all(ids.map((id) => post('/grouped', { id }, `k-${id}`)));
    expect(answers.map((a) => a.statusCode)).toEqual(ids.map(() => 200));
    expect(await Promise.all(ids.map((id) => seen.get(id)))).toEqual(ids.map(() => 1));
  });

  it('a callback that throws is logged: the committed request still answers 200, and replays', async () => {
    const id = uid('throws');
    const first = await post('/alone', { id, throwAfter: true }, `k-${id}`);
    expect(first.statusCode).toBe(200);
    expect(await seen.get(id)).toBe(1);
    const again = await post('/alone', { id, throwAfter: true }, `k-${id}`);
    expect([again.statusCode, again.body, again.headers['x-l2f-idempotent-replay']]).toEqual([200, first.body, 'true']);
  });
});
