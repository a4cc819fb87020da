/**
 * Property test: random sequences of adjustments, holds (authorize, partial post, void) and
 * transfers between a few customer ledger accounts keep every invariant, against a plain bigint
 * model: stored balances equal the model, available never goes below zero, the books balance.
 */
import { inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/client.js';
import { ledgerAccounts } from '../../src/db/schema.js';
import { ownTransaction } from '../../src/jobs/scheduler.js';
import { openCustomerLedgerAccount } from '../../src/modules/ledger/index.js';
import { getApp, newTenant } from '../helpers.js';
import { USD, verifyLedger } from './_fixtures.js';

const N = 3;
const account = fc.integer({ min: 0, max: N - 1 });
const amount = fc.bigInt({ min: 1n, max: 5_000n });
const other = fc.integer({ min: 1, max: N - 1 }); // b = (a + other) % N: never a itself
const op = fc.oneof(
  fc.record({ kind: fc.constant('credit' as const), a: account, x: amount }),
  fc.record({ kind: fc.constant('debit' as const), a: account, x: amount }),
  fc.record({ kind: fc.constant('authorize' as const), a: account, o: other, x: amount }),
  fc.record({ kind: fc.constant('post' as const), h: fc.nat({ max: 30 }), percent: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('void' as const), h: fc.nat({ max: 30 }) }),
  fc.record({ kind: fc.constant('transfer' as const), a: account, o: other, x: amount }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Model {
  posted: bigint;
  out: bigint;
  in: bigint;
}
interface Hold {
  id: bigint;
  d: number;
  c: number;
  amount: bigint;
  open: boolean;
}

describe('ledger invariants under random operations (fast-check)', () => {
  it('keep stored balances equal to a bigint model, available >= 0, and the books balanced', async () => {
    const app = await getApp();
    const { ledger } = app.ledgerline.services;
    const db = app.ledgerline.database.db;
    const t = await newTenant(app);
    const run = <T>(fn: (tx: Tx) => Promise<T>) => ownTransaction(app.ledgerline.database, fn);
    /** The error code of a failed call, or 'ok'. */
    const outcome = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (err: { code?: string }) => err.code ?? String(err),
      );
    let runs = 0;
    let steps = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 30, maxLength: 60 }), async (ops: Op[]) => {
        runs++;
        const at = new Date();
        const ids = await run(async (tx) => {
          const out: bigint[] = [];
          for (let i = 0; i < N; i++) out.push(await openCustomerLedgerAccount(tx, t.clientId, USD, at));
          return out;
        });
        const platform = await run((tx) => ledger.platformAccount(tx, 'adjustments', USD, at));
        const model: Model[] = ids.map(() => ({ posted: 0n, out: 0n, in: 0n }));
        const holds: Hold[] = [];
        const avail = (i: number) => (model[i] as Model).posted - (model[i] as Model).out;
        const id = (i: number) => ids[i] as bigint;
        const post = (lines: [number | 'platform', bigint, string][]) =>
          run((tx) =>
            ledger.post(tx, {
              clientId: t.clientId,
              categoryType: 'ADJUSTMENT',
              categoryId: `prop-${runs}`,
              at,
              lines: lines.map(([acc, x, type]) => ({
                ledgerAccountId: acc === 'platform' ? platform : id(acc),
                amount: x,
                transactionType: type,
              })),
            }),
          );

        for (const step of ops) {
          steps++;
          if (step.kind === 'credit') {
            expect(
              await outcome(
                post([
                  [step.a, step.x, 'CREDIT_CORRECTION'],
                  ['platform', -step.x, 'DEBIT_CORRECTION'],
                ]),
              ),
            ).toBe('ok');
            (model[step.a] as Model).posted += step.x;
          } else if (step.kind === 'debit' || step.kind === 'transfer') {
            const to = step.kind === 'debit' ? ('platform' as const) : (step.a + step.o) % N;
            const expected = avail(step.a) >= step.x ? 'ok' : 'INSUFFICIENT_FUNDS';
            expect(
              await outcome(
                post([
                  [step.a, -step.x, 'TRANSFER_OUT'],
                  [to, step.x, 'TRANSFER_IN'],
                ]),
              ),
            ).toBe(expected);
            if (expected === 'ok') {
              (model[step.a] as Model).posted -= step.x;
              if (to !== 'platform') (model[to] as Model).posted += step.x;
            }
          } else if (step.kind === 'authorize') {
            const c = (step.a + step.o) % N;
            const expected = avail(step.a) >= step.x ? 'ok' : 'INSUFFICIENT_FUNDS';
            let holdId = 0n;
            const got = await outcome(
              run(async (tx) => {
                holdId = await ledger.authorize(tx, {
                  clientId: t.clientId,
                  debit: { ledgerAccountId: id(step.a), transactionType: 'TRANSFER_OUT' },
                  credit: { ledgerAccountId: id(c), transactionType: 'TRANSFER_IN' },
                  visible: { debit: false, credit: false },
                  amount: step.x,
                  categoryType: 'TRANSFER',
                  categoryId: `prop-${runs}`,
                  at,
                });
              }),
            );
            expect(got).toBe(expected);
            if (expected === 'ok') {
              holds.push({ id: holdId, d: step.a, c, amount: step.x, open: true });
              (model[step.a] as Model).out += step.x;
              (model[c] as Model).in += step.x;
            }
          } else {
            const h = holds[step.h % Math.max(holds.length, 1)];
            if (!h) continue;
            const expected = h.open ? 'ok' : 'INVALID_STATUS_TRANSITION';
            const p = step.kind === 'post' ? (h.amount * BigInt(step.percent)) / 100n || 1n : 0n;
            const call =
              step.kind === 'post'
                ? run((tx) =>
                    ledger.postHold(tx, h.id, p, null, at, [
                      { ledgerAccountId: id(h.d), amount: -p, transactionType: 'TRANSFER_OUT' },
                      { ledgerAccountId: id(h.c), amount: p, transactionType: 'TRANSFER_IN' },
                    ]),
                  )
                : run((tx) => ledger.voidHold(tx, h.id, 'VOIDED', at));
            expect(await outcome(call)).toBe(expected);
            if (expected === 'ok') {
              h.open = false;
              (model[h.d] as Model).out -= h.amount;
              (model[h.c] as Model).in -= h.amount;
              (model[h.d] as Model).posted -= p;
              (model[h.c] as Model).posted += p;
            }
          }
          const rows = await db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, ids));
          const byId = new Map(rows.map((r) => [r.id, { posted: r.posted, out: r.pendingOut, in: r.pendingIn }]));
          expect(ids.map((x) => byId.get(x))).toEqual(model);
          for (const r of rows) expect(r.posted - r.pendingOut >= 0n).toBe(true);
        }
        // Release what is still open so the accounts end quiet; then the global check.
        for (const h of holds.filter((x) => x.open)) await run((tx) => ledger.voidHold(tx, h.id, 'VOIDED', at));
        const report = await ledger.verify(db);
        expect(report.mismatched_accounts).toEqual([]);
        expect(report.balanced).toBe(true);
      }),
      { numRuns: 25 },
    );
    expect(runs).toBeGreaterThanOrEqual(25);
    expect(steps).toBeGreaterThanOrEqual(25 * 30);
    await verifyLedger(app);
  }, 300_000);
});
