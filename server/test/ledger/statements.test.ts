import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant, type Tenant } from '../helpers.js';
import { getPdf } from '../pdf.js';
import {
  adjust,
  createTransfer,
  expectError,
  fundedAccount,
  type ManualClock,
  manualClock,
  ok,
  refreshed,
  USD,
  verifyLedger,
} from './_fixtures.js';

const DAY = 86_400;
let clock: ManualClock;
let app: FastifyInstance;
let t: Tenant;
let a: string;
let b: string;

// A opens 2031-05-20 with 100; -30 to B on 05-25; +5 and -10 to B on 06-29 (40 days after opening).
beforeAll(async () => {
  clock = manualClock(Date.UTC(2031, 4, 20, 12));
  app = await makeApp({ TOKEN_TTL_SECONDS: String(7 * DAY) }, { clock });
  t = await newTenant(app);
  a = (await fundedAccount(t, USD, '100')).id;
  b = (await fundedAccount(t, USD)).id;
  clock.advance(5 * DAY);
  await ok(t.api.post(`/v1/transfers/${await createTransfer(t, a, b, 30)}/accept`));
  clock.advance(35 * DAY);
  t = await refreshed(app, t);
  await ok(adjust(t, a, '5'));
  await ok(t.api.post(`/v1/transfers/${await createTransfer(t, a, b, '10.00')}/accept`));
});
afterAll(async () => app.close());
afterEach(async () => verifyLedger(app));

const summary = (s: Record<string, unknown>) => [s.id, s.opening_balance, s.total_in, s.total_out, s.closing_balance, s.transaction_count];

describe('GET /v1/accounts/deposits/{id}/statements', () => {
  it('lists one statement per month since opening, newest first, with exact numbers', async () => {
    const list = await ok(t.api.get(`/v1/accounts/deposits/${a}/statements`));
    expect(list.statements.map(summary)).toEqual([
      ['stmt_2031_06', 70, 5, 10, 65, 2],
      ['stmt_2031_05', 0, 100, 30, 70, 2],
    ]);
    expect(list.statements[0]).toMatchObject({ account_id: a, asset_type_id: USD, period_start: '2031-06-01', period_end: '2031-06-30' });
    expect(list.statements[1]).toMatchObject({ period_start: '2031-05-01', period_end: '2031-05-31' });
    // The opening balance of a month is the closing balance of the one before.
    expect(list.statements[0].opening_balance).toBe(list.statements[1].closing_balance);
    const ofB = await ok(t.api.get(`/v1/accounts/deposits/${b}/statements`));
    expect(ofB.statements.map(summary)).toEqual([
      ['stmt_2031_06', 30, 10, 0, 40, 1],
      ['stmt_2031_05', 0, 30, 0, 30, 1],
    ]);
  });

  it('pages by page and page_size', async () => {
    const first = await t.api.get(`/v1/accounts/deposits/${a}/statements?page_size=1`);
    const second = await t.api.get(`/v1/accounts/deposits/${a}/statements?page=1&page_size=1`);
    expect(first.body.data.statements.map((s: { id: string }) => s.id)).toEqual(['stmt_2031_06']);
    expect([first.body.pagination.has_more, first.body.links.next]).toEqual([
      true,
      `/v1/accounts/deposits/${a}/statements?page=1&page_size=1`,
    ]);
    expect(second.body.data.statements.map((s: { id: string }) => s.id)).toEqual(['stmt_2031_05']);
    expect([second.body.pagination.has_more, second.body.links.next]).toEqual([false, null]);
  });

  it('retrieves a statement with its lines, oldest first', async () => {
    const june = await ok(t.api.get(`/v1/accounts/deposits/${a}/statements/stmt_2031_06`));
    expect(summary(june)).toEqual(['stmt_2031_06', 70, 5, 10, 65, 2]);
    expect(june.lines.map((l: Record<string, unknown>) => [l.value, l.balance_after, l.transaction_type, l.transaction_date])).toEqual([
      [5, 75, 'CREDIT_CORRECTION', '2031-06-29T12:00:00.000Z'],
      [-10, 65, 'INTERNAL_TRANSFER', '2031-06-29T12:00:00.000Z'],
    ]);
    const may = await ok(t.api.get(`/v1/accounts/deposits/${a}/statements/stmt_2031_05`));
    expect(may.lines.map((l: { value: number }) => l.value)).toEqual([100, -30]);
  });

  it('is 404 for an unknown statement or account, and for another tenant', async () => {
    for (const id of ['stmt_2031_04', 'stmt_2031_07', 'stmt_2031_13', 'nope']) {
      expectError(await t.api.get(`/v1/accounts/deposits/${a}/statements/${id}`), 404, 'NOT_FOUND');
    }
    expectError(await t.api.get('/v1/accounts/deposits/nope/statements'), 404, 'NOT_FOUND');
    const other = await newTenant(app);
    expectError(await other.api.get(`/v1/accounts/deposits/${a}/statements`), 404, 'NOT_FOUND');
    expectError(await other.api.get(`/v1/accounts/deposits/${a}/statements/stmt_2031_06`), 404, 'NOT_FOUND');
    const pdf = await other.api.get(`/v1/accounts/deposits/${a}/statements/stmt_2031_06`, { accept: 'application/pdf' });
    expect(pdf.status).toBe(404);
  });

  it('answers a PDF with Accept: application/pdf', async () => {
    const res = await t.api.get(`/v1/accounts/deposits/${a}/statements/stmt_2031_06`, { accept: 'application/pdf' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.raw.startsWith('%PDF-')).toBe(true);
    // The text is read back from the PDF (its fonts are embedded, so it is not in the bytes); the
    // account number prints masked and types print in words (issue 14).
    const pdf = await getPdf(t.api, `/v1/accounts/deposits/${a}/statements/stmt_2031_06`);
    expect(pdf.text).toContain(`****${a.slice(-4)}`);
    for (const text of ['Opening balance', '70.00', '65.00', 'Internal transfer', 'stmt_2031_06']) expect(pdf.text).toContain(text);
  });
});
