/**
 * The statement PDF as a customer reads it (issue 14): read back as text with pdfjs-dist.
 * Time is a manual clock moved through the sandbox clock route, never real time.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, individualBody, makeApp, newTenant, type Tenant, uid } from '../helpers.js';
import { exact } from '../money/_fixtures.js';
import { expectEmbeddedUnicodeFont, getPdf, type PdfText } from '../pdf.js';
import { adjust, fundedAccount, type ManualClock, manualClock, ok, openAccount, refreshed, USD, verifyLedger } from './_fixtures.js';

const DAY = 86_400;
const LINES_IN_MAY = 25; // with the opening and closing rows: more than one page holds
const NAME = { first_name: 'Zoë', middle_name: 'Ada', last_name: 'Łukasiewicz-Ωμέγα' };
const ADDRESS = { address_line1: 'ул. Тверская, 7', address_line2: 'кв. 12', city: 'Москва', postal_code: '125009', country_code: 'RU' };
const DESCRIPTION = 'Kawa w Łódź: 3,50 € — Ωμέγα, Привет';

let clock: ManualClock;
let app: FastifyInstance;
let t: Tenant;
let a: string;
let b: string;

/** The API's exact decimal text with thousands separators: "-12345.6" (2 decimals) -> "-12,345.60". */
function printed(decimal: string, decimals = 2): string {
  const neg = decimal.startsWith('-');
  const [int = '0', frac = ''] = (neg ? decimal.slice(1) : decimal).split('.');
  return `${neg ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac.padEnd(decimals, '0')}`;
}

async function transfer(from: string, to: string, amount: string, description: string): Promise<void> {
  const created = await ok(t.api.post('/v1/transfers', { source_account_id: from, destination_account_id: to, amount, description }));
  await ok(t.api.post(`/v1/transfers/${created.id}/accept`));
}

/** The statement's JSON with every number as its exact decimal text. */
async function statementJson(account: string, id: string) {
  const res = await t.api.get(`/v1/accounts/deposits/${account}/statements/${id}`);
  expect(res.status, res.raw).toBe(200);
  return exact(res.raw).data;
}

const pdfOf = (account: string, id: string) => getPdf(t.api, `/v1/accounts/deposits/${account}/statements/${id}`);

// A (Zoë's) opens 2031-05-28 with 12,345.67; a transfer to B with a Unicode description, then
// LINES_IN_MAY - 2 small debits; the clock moves to 2031-06-02 and one more transfer posts.
beforeAll(async () => {
  clock = manualClock(Date.UTC(2031, 4, 28, 9));
  app = await makeApp(
    {
      TOKEN_TTL_SECONDS: String(7 * DAY),
      INSTITUTION_NAME: 'Ledgerline Bank Polska S.A.',
      INSTITUTION_ADDRESS: 'ul. Piotrkowska 1; 90-001 Łódź; Poland',
    },
    { clock },
  );
  t = await newTenant(app);
  const customer = individualBody(uid(), { ...NAME, mailing_address: ADDRESS });
  await ok(t.api.post('/v1/customers', customer));
  a = await openAccount(t, customer.id, USD);
  b = (await fundedAccount(t, USD)).id;
  await ok(adjust(t, a, '12345.67'));
  await transfer(a, b, '1000.01', DESCRIPTION);
  for (let i = 0; i < LINES_IN_MAY - 2; i++) await transfer(a, b, `${i + 1}.0${i % 10}`, `Payment ${i + 1}`);
  expect((await ok(t.api.post('/v1/simulations/clock', { advance_seconds: 5 * DAY }))).now).toBe('2031-06-02T09:00:00.000Z');
  await transfer(a, b, '10.00', 'June rent');
});
afterAll(async () => {
  await verifyLedger(app);
  await app.close();
});

describe('statement PDF: a closed month over two pages', () => {
  let pdf: PdfText;
  let json: any;
  beforeAll(async () => {
    pdf = await pdfOf(a, 'stmt_2031_05');
    json = await statementJson(a, 'stmt_2031_05');
  });

  it('numbers its pages "Page x of y"', () => {
    expect(pdf.numPages).toBe(2);
    // The footer, the last line of each page: the document, then the page number.
    expect(pdf.pages[0]?.at(-1)).toMatch(
      /^Ledgerline Bank Polska S\.A\. · Statement stmt_2031_05 · Account \*{4}.{4} · Generated .* Page 1 of 2$/,
    );
    expect(pdf.pages[1]?.at(-1)).toMatch(/ Page 2 of 2$/);
  });

  it('names the institution from configuration, and the holder by name and mailing address', () => {
    for (const line of [
      'Ledgerline Bank Polska S.A.',
      'ul. Piotrkowska 1',
      '90-001 Łódź',
      'Poland',
      'Zoë Ada Łukasiewicz-Ωμέγα',
      'ул. Тверская, 7',
      'кв. 12',
      'Москва, 125009',
      'Russia',
    ]) {
      expect(pdf.text).toContain(line);
    }
    // Every page after the first repeats who and what it is.
    expect(pdf.pages[1]?.join('\n')).toContain('Zoë Ada Łukasiewicz-Ωμέγα · Account ****');
  });

  it('masks the account number to its last 4 and names the asset by code and name', () => {
    expect(pdf.text).toContain(`Account number ****${a.slice(-4)}`);
    expect(pdf.text).not.toContain(a);
    expect(pdf.text).toContain('Currency USD — US Dollar');
    expect(pdf.text).not.toContain(USD);
  });

  it('prints every line: date, type in words, description, full reference, amount and balance as the ledger has them', () => {
    expect(json.lines).toHaveLength(LINES_IN_MAY);
    const lines = pdf.pages.flat();
    for (const line of json.lines) {
      const at = lines.indexOf(`Ref. ${line.id}`); // the whole transaction id, on one line
      expect(at, line.id).toBeGreaterThan(0);
      const type = line.transaction_type === 'INTERNAL_TRANSFER' ? 'Internal transfer' : 'Credit correction';
      expect(lines[at - 1]).toBe(
        `${line.transaction_date.slice(0, 10)} ${type} ${line.description} ${printed(line.value)} ${printed(line.balance_after)}`,
      );
    }
    expect(pdf.text).toContain(`2031-05-28 Internal transfer ${DESCRIPTION} -1,000.01 11,345.66`);
    expect(pdf.text).not.toMatch(/INTERNAL_TRANSFER|CREDIT_CORRECTION/);
    expectEmbeddedUnicodeFont(pdf);
  });

  it('states opening and closing balances and totals, equal to the ledger to the cent', () => {
    // 1,000.01 + the sum of 1.00, 2.01, ..., 23.02 = 1,276.94 out.
    expect([json.opening_balance, json.total_in, json.total_out, json.closing_balance]).toEqual(['0', '12345.67', '1276.94', '11068.73']);
    expect(pdf.text).toContain('Opening balance on 2031-05-01 0.00 USD');
    expect(pdf.text).toContain(`Money in ${printed(json.total_in)} USD`);
    expect(pdf.text).toContain(`Money out -${printed(json.total_out)} USD`);
    expect(pdf.text).toContain(`Closing balance on 2031-05-31 ${printed(json.closing_balance)} USD`);
    expect(pdf.pages[0]).toContain('2031-05-01 Opening balance 0.00');
    expect(pdf.pages[1]).toContain('2031-05-31 Closing balance 11,068.73');
    // The last line's balance is the closing balance.
    expect(json.lines.at(-1).balance_after).toBe(json.closing_balance);
  });

  it('right-aligns amounts and balances: each column ends at one x', () => {
    const figures = pdf.items.filter((i) => /^-?\d{1,3}(,\d{3})*\.\d{2}$/.test(i.text));
    expect(figures.length).toBe(2 * LINES_IN_MAY + 2);
    const edges = [...new Set(figures.map((i) => Math.round(i.right)))];
    expect(edges).toHaveLength(2); // Amount and Balance
    const starts = new Set(figures.map((i) => Math.round(i.x)));
    expect(starts.size).toBeGreaterThan(2); // different widths, one right edge
  });

  it('is final: no interim mark on a closed month', () => {
    expect(pdf.text).not.toMatch(/interim/i);
  });
});

describe('statement PDF: the current month is interim', () => {
  it('marks the open month interim, and drops the mark once the sandbox clock closes it', async () => {
    const june = await pdfOf(a, 'stmt_2031_06');
    expect(june.numPages).toBe(1);
    expect(june.pages[0]?.at(-1)).toMatch(/ Page 1 of 1$/);
    expect(june.text).toContain('INTERIM STATEMENT');
    expect(june.text).toContain('Interim statement: June 2031 is not closed yet.');
    expect(june.text).toContain('Balances as at 2031-06-02 09:00 UTC');
    const json = await statementJson(a, 'stmt_2031_06');
    expect(june.text).toContain(`2031-06-02 Internal transfer June rent -10.00 ${printed(json.closing_balance)}`);
    expect(june.text).toContain(`Balance as at 2031-06-02 ${printed(json.closing_balance)} USD`);

    await ok(t.api.post('/v1/simulations/clock', { advance_seconds: 29 * DAY })); // 2031-07-01 09:00
    t = await refreshed(app, t);
    const closed = await pdfOf(a, 'stmt_2031_06');
    expect(closed.text).not.toMatch(/interim/i);
    expect(closed.text).toContain(`Closing balance on 2031-06-30 ${printed(json.closing_balance)} USD`);
    expect((await pdfOf(a, 'stmt_2031_07')).text).toContain('INTERIM STATEMENT');
  });
});

describe('statement PDF: a corporation', () => {
  it('is addressed to the registered name at the registered address', async () => {
    const body = corporationBody(uid(), {
      registered_name: 'Ωμέγα Трейдинг Sp. z o.o.',
      registered_address: { address_line1: 'ul. Zielona 5', city: 'Łódź', postal_code: '90-001', country_code: 'PL' },
    });
    await ok(t.api.post('/v1/customers', body));
    const account = await openAccount(t, body.id, USD);
    const pdf = await pdfOf(account, await currentStatement(account));
    for (const line of ['Ωμέγα Трейдинг Sp. z o.o.', 'ul. Zielona 5', 'Łódź, 90-001', 'Poland', 'No transactions in this period.']) {
      expect(pdf.text).toContain(line);
    }
    expect(pdf.text).toContain('Opening balance on');
    expectEmbeddedUnicodeFont(pdf);
  });
});

/** The statement id of the client's current month (its sandbox clock moved on in the tests above). */
async function currentStatement(account: string): Promise<string> {
  const list = await ok(t.api.get(`/v1/accounts/deposits/${account}/statements`));
  return list.statements[0].id as string;
}
