/**
 * The group commit mechanism of the unit of work (platform/unit-of-work.ts, `coalesce`), on a small
 * app of its own with a probe route: members get their own answers, and when a group fails as a
 * whole nothing of it stays and every member runs alone — exactly once.
 */

import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { type Settled, writeContext } from '../../src/platform/unit-of-work.js';
import { AppError } from '../../src/shared/errors.js';
import { unitOfWorkProbe } from './support.js';

interface Probe {
  id: string;
  poison?: boolean;
  refuse?: boolean;
}

let app: FastifyInstance;
let database: Database;
const groups: number[] = [];

const list = (ids: string[]) => `{${ids.join(',')}}`;
/** Rows per id, and how each was written ('group' or 'alone'). */
const rowsOf = async (ids: string[]) => {
  const rows = await database.transaction((s) =>
    s.query<{ id: string; via: string }>('SELECT id, via FROM group_probe WHERE id = ANY ($1::text[])', [list(ids)]),
  );
  const count: Record<string, number> = {};
  const via: Record<string, string> = {};
  for (const r of rows) {
    count[r.id] = (count[r.id] ?? 0) + 1;
    via[r.id] = r.via;
  }
  return { count, via };
};

beforeAll(async () => {
  ({ app, database } = await unitOfWorkProbe({ onGroupCommit: (_route, size) => groups.push(size) }));
  await database.transaction((s) => s.query('CREATE TABLE IF NOT EXISTS group_probe (id text NOT NULL, via text NOT NULL)'));
  app.post(
    '/probe',
    {
      config: {
        auth: { scope: 'transfers:write' },
        coalesce: {
          // Writes every member's row, then fails the whole group if one is poisoned.
          run: async (ctx, members): Promise<Settled[]> => {
            const bodies = members.map((m) => m.request.body as Probe);
            const fine = bodies.filter((b) => !b.refuse);
            await ctx.tx.execute(
              sql`INSERT INTO group_probe (id, via) SELECT x, 'group' FROM unnest(${list(fine.map((b) => b.id))}::text[]) x`,
            );
            if (bodies.some((b) => b.poison)) throw new Error('poisoned group');
            return bodies.map((b) =>
              b.refuse
                ? { refusal: new AppError('VALIDATION_ERROR', `refused ${b.id}`, 'id') }
                : { value: { data: { id: b.id, via: 'group' } } },
            );
          },
        },
      },
    },
    async (request: FastifyRequest) => {
      const body = request.body as Probe;
      if (body.poison) throw new Error('poisoned alone');
      if (body.refuse) throw new AppError('VALIDATION_ERROR', `refused ${body.id}`, 'id');
      await writeContext(request).tx.execute(sql`INSERT INTO group_probe (id, via) VALUES (${body.id}, 'alone')`);
      return { data: { id: body.id, via: 'alone' } };
    },
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

const post = (body: Probe, key?: string) =>
  app.inject({
    method: 'POST',
    url: '/probe',
    headers: { 'content-type': 'application/json', ...(key && { 'x-l2f-idempotency-id': key }) },
    payload: JSON.stringify(body),
  });

describe('group commit (the unit of work coalescing concurrent requests)', () => {
  it('concurrent requests share commits; each gets its own answer and its key replays it', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `ok-${Date.now()}-${i}`);
    const before = groups.length;
    const answers = await Promise.all(ids.map((id, i) => post({ id, refuse: i === 5 }, `k-${id}`)));
    expect(answers.map((a) => a.statusCode)).toEqual(ids.map((_, i) => (i === 5 ? 400 : 200)));
    expect(answers[0]?.json()).toEqual({ data: { id: ids[0], via: 'group' } });
    expect(answers[5]?.json().errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'id' });
    const sizes = groups.slice(before);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12);
    expect(sizes.length).toBeLessThan(12);
    // One row per member that ran, none for the refused one.
    expect((await rowsOf(ids)).count).toEqual(Object.fromEntries(ids.filter((_, i) => i !== 5).map((id) => [id, 1])));
    const replays = await Promise.all(ids.map((id, i) => post({ id, refuse: i === 5 }, `k-${id}`)));
    replays.forEach((r, i) => {
      expect([r.statusCode, r.body, r.headers['x-l2f-idempotent-replay']]).toEqual([answers[i]?.statusCode, answers[i]?.body, 'true']);
    });
    expect(Object.values((await rowsOf(ids)).count)).toEqual(ids.slice(1).map(() => 1));
  });

  it('a group that fails as a whole leaves nothing: each member runs alone, exactly once', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `fb-${Date.now()}-${i}`);
    const answers = await Promise.all(ids.map((id, i) => post({ id, poison: i === 3 }, `k-${id}`)));
    // The poisoned member fails alone (500, nothing stored); every other one ran once, and its
    // answer says how: alone (its group failed with the poisoned one) or in a group that committed.
    expect(answers.map((a) => a.statusCode)).toEqual(ids.map((_, i) => (i === 3 ? 500 : 200)));
    const { count, via } = await rowsOf(ids);
    expect(count).toEqual(Object.fromEntries(ids.filter((_, i) => i !== 3).map((id) => [id, 1])));
    answers.forEach((a, i) => {
      if (i !== 3) expect(a.json()).toEqual({ data: { id: ids[i], via: via[ids[i] as string] } });
    });
    // The poisoned one's group-mates ran alone (it arrived with them, in one turn of the event loop).
    expect(Object.values(via).filter((v) => v === 'alone').length).toBeGreaterThan(0);
    // Their keys replay what they answered alone; the poisoned one's key is free (a 5xx is never stored).
    const replay = await post({ id: ids[0] as string, poison: false }, `k-${ids[0]}`);
    expect([replay.statusCode, replay.body, replay.headers['x-l2f-idempotent-replay']]).toEqual([200, answers[0]?.body, 'true']);
    const retried = await post({ id: ids[3] as string }, `k-${ids[3]}`);
    expect([retried.statusCode, retried.headers['x-l2f-idempotent-replay']]).toEqual([200, undefined]);
    expect((await rowsOf([ids[3] as string])).count).toEqual({ [ids[3] as string]: 1 });
  });
});
