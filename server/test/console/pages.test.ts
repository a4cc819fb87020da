/**
 * The console's pages past the first flows (issue 14, CONTRACT §15), in headless Chromium against
 * the real app: the operator sees personal identifiers masked (the console never asks for the
 * sensitive scopes); the suspense and clients lists page ("Next") and filter through the API, and a
 * changed filter always starts again without a cursor; the ledger check shows sums in the asset's
 * decimals and code; a rejection from the simulations panel asks first; the transfers, deposits,
 * withdrawals, exchanges and counterparties pages list what the API holds; a "Cancel" move's
 * question is dismissed by "Keep it" (one button named "Cancel" only); a statement and the receipts
 * of an EXECUTED and a RETURNED withdrawal open as PDFs.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { assetInfo, formatAmount, minorToDecimal } from '../../../console/src/money.js';
import { individualBody, newTenant, OPERATOR, operatorApi, type Tenant, uid } from '../helpers.js';
import { createTransfer } from '../ledger/_fixtures.js';
import { customerWithAccount, fund, ok, USD, usCounterparty } from '../money/_fixtures.js';
import { createApplication, individualApplication, individualDetails, uploadAll } from '../onboarding/_fixtures.js';
import { consoleSession, go, navTo, shot, signIn } from './_browser.js';

const session = consoleSession();

/** Every API request the page makes to `path`, as URLs. */
function recordRequests(page: Page, path: string): URL[] {
  const seen: URL[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === path) seen.push(url);
  });
  return seen;
}

/** Presses a button that opens a PDF in a new tab; returns the PDF response seen on the wire (and closes the tab). */
async function openPdf(page: Page, button: ReturnType<Page['getByRole']>, urlPart: string): Promise<{ type: string; head: string }> {
  let seen: { type: string; head: string } | undefined;
  const matcher = (url: URL) => url.pathname.includes(urlPart);
  await page.route(matcher, async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    seen = { type: String(response.headers()['content-type']), head: body.subarray(0, 5).toString('latin1') };
    await route.fulfill({ response, body });
  });
  const popup = page.context().waitForEvent('page');
  await button.click();
  (await popup).close().catch(() => {});
  await page.unroute(matcher);
  expect(seen).toBeDefined();
  return seen as { type: string; head: string };
}

async function operatorActingFor(page: Page, t: Tenant) {
  await page.goto(`${session.base}/console/`);
  await signIn(page, OPERATOR.id, OPERATOR.secret);
  await page.getByLabel('Acting for client').selectOption(t.clientId);
  await page.getByTestId('acting').getByText(t.clientId).waitFor();
}

describe('console pages', () => {
  it('the operator sees a tax reference masked (*****6789), though its own credentials could unmask it', async () => {
    const t = await newTenant(session.app);
    // Funds, so the ledger holds USD lines (its check lists each asset with lines).
    const { accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '25.50');
    const customer = await ok(
      t.api.post('/v1/customers', individualBody(uid('tax'), { last_name: 'Masked', tax_reference_number: '123-45-6789' })),
    );
    // The operator holds customers:sensitive: a token asking for every scope reads the number clear…
    const op = (await operatorApi(session.app)).actingFor(t.clientId);
    expect((await ok(op.get(`/v1/customers/${customer.id}`))).tax_reference_number).toBe('123-45-6789');

    // …the console does not ask for it, and shows what the API masks.
    const { page } = session.browser;
    const tokens: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/oauth2/token') tokens.push(r.postData() ?? '');
    });
    await operatorActingFor(page, t);
    await go(page, `/customers/${customer.id}`);
    const facts = page.locator('dl.facts');
    await facts.getByText('*****6789').waitFor();
    expect(await facts.textContent()).not.toContain('123-45-6789');
    // The token the console kept was asked for without the sensitive scopes.
    const last = new URLSearchParams(tokens[tokens.length - 1]);
    const scopes = (last.get('scope') ?? '').split(' ');
    expect(scopes).toContain('admin');
    expect(scopes).not.toContain('customers:sensitive');
    expect(scopes).not.toContain('cards:sensitive');
    await shot(page, 'pages-01-tax-reference-masked');

    // The ledger check: each asset's sum in its decimals and code, not raw minor units.
    const verify = await ok(op.get('/v1/admin/ledger/verify'));
    await navTo(page, 'Ledger');
    for (const a of verify.assets as { asset_type_id: string; sum: string }[]) {
      const info = assetInfo(a.asset_type_id);
      const cell = page.getByTestId(`sum-${a.asset_type_id}`);
      await cell.waitFor();
      expect(await cell.textContent()).toBe(formatAmount(minorToDecimal(String(a.sum), info.decimals), info));
    }
    expect(await page.getByTestId(`sum-${USD}`).textContent()).toMatch(/^-?[\d,]+\.\d\d USD$/);
    expect(await page.locator('main').textContent()).not.toContain('minor units');
    await shot(page, 'pages-02-ledger-sums');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);

  it('suspense and clients page with "Next" and filter; a new filter never carries the old cursor', async () => {
    const t = await newTenant(session.app);
    const op = await operatorApi(session.app);
    const stamp = Date.now().toString(36).toUpperCase();
    // 22 unmatched SWIFT arrivals (more than a page of 20) and one on FEDWIRE.
    for (let i = 0; i < 22; i++)
      await ok(t.api.post('/v1/simulations/deposits', { rail: 'SWIFT', asset_type_id: USD, amount: '1.00', memo: `PG${stamp}N${i}` }));
    const fedwire = `FW${stamp}`;
    await ok(t.api.post('/v1/simulations/deposits', { rail: 'FEDWIRE', asset_type_id: USD, amount: '7.00', memo: fedwire }));

    const { page } = session.browser;
    const requests = recordRequests(page, '/v1/admin/suspense');
    await operatorActingFor(page, t);
    await navTo(page, 'Suspense');
    const table = page.getByRole('table', { name: 'Unmatched incoming funds, newest first' });
    const pager = page.getByRole('navigation', { name: 'Unmatched incoming funds, newest first pages' });
    await page.getByLabel('Rail').selectOption('SWIFT');
    await table.getByText(`PG${stamp}N21`, { exact: true }).waitFor();
    expect(await table.getByText(`PG${stamp}N0`, { exact: true }).count()).toBe(0); // the oldest: on a later page
    await pager.getByRole('button', { name: 'Next' }).click();
    await pager.getByText('Page 2').waitFor();
    await table.getByText(`PG${stamp}N1`, { exact: true }).waitFor();
    expect(await table.getByText(`PG${stamp}N21`, { exact: true }).count()).toBe(0);
    expect(requests.some((u) => u.searchParams.get('rail') === 'SWIFT' && u.searchParams.has('cursor'))).toBe(true);
    await shot(page, 'pages-03-suspense-page-2');

    // A new filter from page 2: the first page of FEDWIRE, and no request pairs it with a cursor.
    await page.getByLabel('Rail').selectOption('FEDWIRE');
    await table.getByText(fedwire, { exact: true }).waitFor();
    await pager.getByText('Page 1').waitFor();
    expect(await table.getByText(`PG${stamp}N1`, { exact: true }).count()).toBe(0);
    const fedwireRequests = requests.filter((u) => u.searchParams.get('rail') === 'FEDWIRE');
    expect(fedwireRequests.length).toBeGreaterThan(0);
    expect(fedwireRequests.filter((u) => u.searchParams.has('cursor')).map(String)).toEqual([]);
    await shot(page, 'pages-04-suspense-filtered');

    // Clients: more than a page of them; "Next" walks on; "Regulated: no" lists only those.
    for (let i = 0; i < 21; i++) await ok(op.post('/v1/admin/clients', { name: `Pager ${stamp} ${i}`, regulated: true }));
    const unregulated = await ok(op.post('/v1/admin/clients', { name: `Unregulated ${stamp}`, regulated: false }));
    const clientRequests = recordRequests(page, '/v1/admin/clients');
    await navTo(page, 'Clients');
    const clients = page.getByRole('table', { name: 'Clients' });
    const clientsPager = page.getByRole('navigation', { name: 'Clients pages' });
    await clients.getByText(`Unregulated ${stamp}`, { exact: true }).waitFor();
    expect(await clients.getByText(`Pager ${stamp} 0`, { exact: true }).count()).toBe(0);
    await clientsPager.getByRole('button', { name: 'Next' }).click();
    await clientsPager.getByText('Page 2').waitFor();
    await clients.getByText(`Pager ${stamp} 0`, { exact: true }).waitFor();
    await page.getByRole('combobox', { name: 'Regulated' }).selectOption('no');
    await clients.getByText(`Unregulated ${stamp}`, { exact: true }).waitFor();
    await clientsPager.getByText('Page 1').waitFor();
    const regulatedCells = await clients.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(new Set(regulatedCells)).toEqual(new Set(['no']));
    expect(await clients.getByText(unregulated.client_id).count()).toBe(1);
    const filtered = clientRequests.filter((u) => u.searchParams.get('regulated') === 'false');
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.filter((u) => u.searchParams.has('cursor')).map(String)).toEqual([]);
    await shot(page, 'pages-05-clients-filtered');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 180_000);

  it('a REJECTED decision from the simulations panel asks first; "Keep it" leaves the application as it was', async () => {
    const t = await newTenant(session.app);
    const body = individualApplication(individualDetails({ first_name: 'Ada', last_name: `McREVIEW${uid('r').slice(-4)}` }));
    const { id } = await createApplication(t.api, body);
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');

    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);
    await navTo(page, 'Simulations');
    const panel = page.getByRole('region', { name: 'Application decision' });
    await panel.getByLabel('Application ID').fill(id);
    await panel.getByLabel('Decision', { exact: true }).selectOption('REJECTED');
    await panel.getByLabel('Decision reason').fill('console test');
    // Enter in a field does not reject.
    await panel.getByLabel('Decision reason').press('Enter');
    await panel.getByRole('button', { name: 'Decide' }).click();
    const dialog = panel.getByRole('alertdialog');
    await dialog.getByText(`Reject application ${id}?`, { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await ok(t.api.get(`/v1/applications/${id}`))).status).toBe('PROCESSING');
    await panel.getByRole('button', { name: 'Decide' }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await panel.getByRole('status').getByText('Application is now REJECTED.').waitFor();
    expect((await ok(t.api.get(`/v1/applications/${id}`))).status).toBe('REJECTED');
    await shot(page, 'pages-06-rejected-after-confirm');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);

  it('transfers, deposits, withdrawals, exchanges and counterparties list what the API holds; statement and receipts open as PDFs', async () => {
    const t = await newTenant(session.app);
    const { customerId, accountId } = await customerWithAccount(t, USD);
    await fund(t, accountId, '1000');
    const { accountId: other } = await customerWithAccount(t, USD);
    const transferId = await createTransfer(t, accountId, other, '12.34');
    const deposit = await ok(
      t.api.post('/v1/deposits', { deposit_type: 'PUSH', deposit_destination: { destination_account_id: accountId } }),
    );
    const cp = await usCounterparty(t, customerId, { name: `Payee ${uid('p').slice(-5)}` });
    const withdraw = async () => {
      const w = await ok(
        t.api.post('/v1/withdrawals', {
          withdrawal_rail: 'ACH',
          source_account_id: accountId,
          destination_counterparty_id: cp,
          amount: '10.00',
          purpose: 'PERSONAL_ACCOUNT',
          description: 'console test',
          memo: 'RENT',
        }),
      );
      await ok(t.api.post(`/v1/withdrawals/${w.id}/accept`));
      expect((await ok(t.api.post(`/v1/simulations/withdrawals/${w.id}/settle`, {}))).status).toBe('EXECUTED');
      return w.id as string;
    };
    const executed = await withdraw();
    const returned = await withdraw();
    expect((await ok(t.api.post(`/v1/simulations/withdrawals/${returned}/return`, { reason: 'beneficiary unknown' }))).status).toBe(
      'RETURNED',
    );

    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);

    // Transfers: the REQUESTED one, with "Cancel"; its question is dismissed by "Keep it".
    await navTo(page, 'Transfers');
    const transfer = page.getByRole('table', { name: 'Transfers' }).getByRole('row').filter({ hasText: transferId });
    await transfer.getByText('12.34 USD').waitFor();
    await transfer.getByRole('button', { name: 'Cancel' }).click();
    const dialog = transfer.getByRole('alertdialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('button').allTextContents()).toEqual(['Confirm', 'Keep it']);
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    await transfer.getByRole('button', { name: 'Cancel' }).waitFor();
    expect((await ok(t.api.get(`/v1/transfers/${transferId}`))).status).toBe('REQUESTED');
    await shot(page, 'pages-07-transfers');

    await navTo(page, 'Deposits');
    await page.getByRole('table', { name: 'Deposits' }).getByRole('row').filter({ hasText: deposit.id }).waitFor();

    // Withdrawals: a receipt for the EXECUTED one and for the RETURNED one (the API serves both).
    await navTo(page, 'Withdrawals');
    const withdrawals = page.getByRole('table', { name: 'Withdrawals' });
    for (const id of [executed, returned]) {
      const pdf = await openPdf(page, withdrawals.getByRole('button', { name: `Receipt PDF ${id}` }), `/v1/withdrawals/${id}/receipt`);
      expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
    }
    await withdrawals.getByRole('row').filter({ hasText: returned }).getByText('RETURNED').waitFor();
    await shot(page, 'pages-08-withdrawals');

    await navTo(page, 'Exchanges');
    await page.getByRole('table', { name: 'Exchanges' }).waitFor();

    await navTo(page, 'Counterparties');
    await page
      .getByRole('table', { name: /^Counterparties/ })
      .getByRole('row')
      .filter({ hasText: 'Payee' })
      .first()
      .waitFor();
    await shot(page, 'pages-09-counterparties');

    // The account's statement of this month, as a PDF.
    await go(page, `/accounts/${accountId}`);
    const statement = page
      .getByRole('table', { name: 'Monthly statements' })
      .getByRole('button', { name: /^Statement PDF / })
      .first();
    await statement.waitFor();
    const pdf = await openPdf(page, statement, `/v1/accounts/deposits/${accountId}/statements/`);
    expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 180_000);
});
