/**
 * The operator console in headless Chromium against the real app (CONTRACT §15): the operator
 * approves an application waiting for review, sees the customer and its funded account, assigns
 * a suspense item, redelivers a webhook and moves the sandbox clock; a client sees only its own
 * data and no operator pages; refusals show the API's code and description in role="alert".
 */
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/modules/events/index.js';
import { basic, individualBody, newTenant, OPERATOR, operatorApi, type Tenant, uid } from '../helpers.js';
import { ETH, fundedAccount, USD } from '../ledger/_fixtures.js';
import { createApplication, individualApplication, individualDetails, ok, uploadAll } from '../onboarding/_fixtures.js';
import { consoleSession, go, navTo, shot, signIn } from './_browser.js';

const session = consoleSession();

/** An INDIVIDUAL application, documents uploaded, submitted: REVIEW in the name keeps it PROCESSING. */
async function waitingForReview(t: Tenant, lastName: string) {
  const body = individualApplication(individualDetails({ first_name: 'Ada', last_name: lastName }));
  const { id } = await createApplication(t.api, body);
  await uploadAll(t.api, id);
  expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');
  return { id: id as string, customerId: body.customer_id as string, accountId: body.account_to_open.account_id as string };
}

describe('operator console', () => {
  it("sign-in: a wrong secret shows the token endpoint's refusal; nothing lands in the browser's storage", async () => {
    // The first-load figure is a benchmark, not a test: npm run bench:console (docs/benchmarks.md).
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot(page, '01-sign-in');

    // A wrong secret: the token endpoint's refusal, shown as it came.
    await page.getByLabel('Client ID').fill(OPERATOR.id);
    await page.getByLabel('Client secret').fill('not-the-secret-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('invalid_client');
    // The token is in memory only: nothing in the browser's storage.
    const storage = await page.evaluate(() => {
      const w = globalThis as any;
      return [w.localStorage.length, w.sessionStorage.length, w.document.cookie];
    });
    expect(storage).toEqual([0, 0, '']);
  });

  it('the operator approves a REVIEW application, sees the funded account, assigns suspense, redelivers, moves the clock', async () => {
    const t = await newTenant(session.app);
    const op = await operatorApi(session.app);
    const application = await waitingForReview(t, `McREVIEW${uid('x').slice(-4)}`);
    // A subscription, so the approval's event has somewhere to go (the worker is off in tests).
    const sub = await ok(t.api.post('/v1/subscriptions', { event_type: 'APPLICATION_APPROVED', callback_url: 'http://localhost:9/hooks' }));
    // Funds nobody matches: they wait in the operator's suspense.
    const memo = `UNMATCHED${Date.now().toString(36).toUpperCase()}`;
    const incoming = await ok(
      t.api.post('/v1/simulations/deposits', { rail: 'ACH', asset_type_id: 'FIAT_TESTNET_USD', amount: '1234.56', memo }),
    );
    expect(incoming.matched).toBe(false);

    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, OPERATOR.id, OPERATOR.secret);
    await page.getByTestId('ledger-balanced').waitFor();
    expect(await page.getByTestId('ledger-balanced').textContent()).toMatch(/^Ledger (NOT )?balanced/);

    // Before a client is chosen, a client's page asks for one (the API needs x-l2f-client-id).
    await navTo(page, 'Customers');
    await page.getByText('Choose the client to work on').waitFor();
    // The switcher lists every client; the choice shows on every page.
    await page.getByLabel('Acting for client').selectOption(t.clientId);
    await page.getByRole('table', { name: 'Customers' }).waitFor();
    await navTo(page, 'Overview');
    await page.getByTestId('acting').getByText(t.clientId).waitFor();
    await shot(page, '02-operator-overview');

    // The queue: the application waiting for review, its documents, the decision.
    await navTo(page, 'Applications');
    await page.getByRole('link', { name: /McREVIEW/ }).click();
    await page.getByRole('heading', { name: 'Documents' }).waitFor();
    const docs = page.getByRole('table', { name: 'Required documents' });
    await docs.getByText('SUBMITTED').first().waitFor();
    await shot(page, '03-application-review');
    const decision = page.getByRole('region', { name: 'Decision' });
    await decision.getByLabel('Reason').fill('KYC checked in the console test');
    await decision.getByRole('button', { name: 'Approve', exact: true }).click();
    await decision.getByRole('status').getByText('Application is now APPROVED.').waitFor();
    expect((await ok(t.api.get(`/v1/applications/${application.id}`))).status).toBe('APPROVED');
    // Approving again is refused: the API's code and description, in role="alert".
    await decision.getByRole('button', { name: 'Approve', exact: true }).click();
    const refused = decision.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^INVALID_STATUS_TRANSITION: .+/);
    await shot(page, '04-application-approved-then-refused');

    // The new customer and its account, funded through the API: exact, grouped, with the currency.
    await ok(
      op.actingFor(t.clientId).post('/v1/admin/adjustments', {
        account_id: application.accountId,
        amount: '1234567.89',
        transaction_type: 'CREDIT_CORRECTION',
        reason: 'console test funds',
      }),
    );
    await navTo(page, 'Customers');
    await page.getByRole('link', { name: /McREVIEW/ }).click();
    const accounts = page.getByRole('table', { name: /^Accounts of/ });
    const row = accounts.getByRole('row').filter({ hasText: application.accountId });
    await row.getByText('1,234,567.89 USD').first().waitFor();
    // The operator is offered the _L2F statuses (only its calls may set them).
    expect(await page.getByLabel('New status').locator('option').allTextContents()).toContain('FROZEN_L2F');
    await shot(page, '05-customer-funded-account');

    // Suspense: a wrong account is refused (alert), the right one is credited.
    await navTo(page, 'Suspense');
    // Filtered by its rail: suspense is platform-wide, and on a shared PostgreSQL other files add
    // items concurrently (pages.test.ts: 23 on SWIFT and FEDWIRE) that push it off the first page.
    await page.getByLabel('Rail').selectOption('ACH');
    const item = page.getByRole('row').filter({ hasText: memo });
    await item.getByText('1,234.56 USD').waitFor();
    await item.getByLabel('Account ID').fill('no-such-account');
    await item.getByRole('button', { name: 'Assign' }).click();
    await item.getByRole('button', { name: 'Confirm' }).click();
    await item.getByRole('alert').waitFor();
    expect(await item.getByRole('alert').textContent()).toContain('NOT_FOUND');
    await shot(page, '06-suspense-refused');
    await item.getByLabel('Account ID').fill(application.accountId);
    await item.getByRole('button', { name: 'Assign' }).click();
    await item.getByRole('button', { name: 'Confirm' }).click();
    // Assigned: the item leaves suspense, and the account holds both sums to the cent.
    await page.getByRole('row').filter({ hasText: memo }).waitFor({ state: 'detached' });
    const account = await ok(t.api.get(`/v1/accounts/deposits/${application.accountId}`));
    expect(String(account.current_balance)).toBe('1235802.45');
    await go(page, `/accounts/${application.accountId}`);
    await page.getByTestId('current-balance').getByText('1,235,802.45 USD').waitFor();
    await shot(page, '07-account-after-assign');

    // Webhooks: redeliver the approval's event to the subscription.
    const [approved] = (await ok(t.api.get('/v1/events?event_type=APPLICATION_APPROVED'))).events;
    // Redelivering makes a delivery still PENDING due now instead of adding one. The embedded run
    // has no worker, so none exists yet; on a shared PostgreSQL another file's webhook worker may
    // have made the first delivery already (still PENDING: its URL refuses).
    const before: { subscription_id: string; status: string }[] = (await ok(t.api.get(`/v1/events/${approved.id}/deliveries`))).deliveries;
    const pending = before.some((d) => d.subscription_id === sub.id && d.status === 'PENDING');
    await navTo(page, 'Webhooks');
    await page.getByRole('table', { name: 'Subscriptions' }).getByText(sub.id).waitFor();
    // The new subscription's event types are the server's, every one (from the SDK, generated from /openapi.json).
    const offered = await page.getByRole('combobox', { name: 'Event type' }).first().locator('option').allTextContents();
    expect(offered).toEqual([...EVENT_TYPES]);
    const eventRow = page.getByRole('row').filter({ hasText: approved.id });
    await eventRow.getByRole('button', { name: 'Redeliver' }).click();
    await eventRow.getByRole('status').waitFor();
    expect(await eventRow.getByRole('status').textContent()).toBe('Queued 1 delivery(ies).');
    const after: { subscription_id: string; status: string }[] = (await ok(t.api.get(`/v1/events/${approved.id}/deliveries`))).deliveries;
    expect(after.length).toBe(pending ? before.length : before.length + 1);
    expect(after.filter((d) => d.subscription_id === sub.id && d.status === 'PENDING')).toHaveLength(1);
    await shot(page, '08-webhook-redelivered');

    // The sandbox clock of the chosen client moves a day.
    const clientNowBefore = Date.parse((await ok(t.api.post('/v1/simulations/clock', { advance_seconds: 1 }))).now);
    await navTo(page, 'Simulations');
    await page.getByLabel('Advance by (seconds)').fill('86400');
    await page.getByRole('button', { name: 'Move clock' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    const moved = page.getByRole('status').filter({ hasText: 'Sandbox time is now' });
    await moved.waitFor();
    const shown = Date.parse((await moved.textContent())!.replace('Sandbox time is now ', '').replace(/\.$/, ''));
    expect(shown - clientNowBefore).toBeGreaterThanOrEqual(86_400_000);
    await shot(page, '09-clock-moved');

    // Cards: the list (the cards routes are always there).
    await navTo(page, 'Cards');
    await page.getByRole('table', { name: 'Cards' }).waitFor();
    await shot(page, '10-cards');

    // Clients: create one (its secret shown once), then rotate that secret after confirming.
    await navTo(page, 'Clients');
    const name = `Console made ${uid('n').slice(-6)}`;
    await page.getByRole('region', { name: 'New client' }).getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create client' }).click();
    const firstSecret = await page.getByRole('region', { name: 'New client' }).getByTestId('client-secret').textContent();
    expect(firstSecret?.length).toBeGreaterThanOrEqual(16);
    const clientRow = page.getByRole('row').filter({ hasText: name });
    await clientRow.getByRole('button', { name: 'Rotate secret' }).click();
    await clientRow.getByRole('button', { name: 'Confirm' }).click();
    const rotated = await clientRow.getByTestId('client-secret').textContent();
    expect(rotated).not.toBe(firstSecret);
    await shot(page, '11-clients-rotated');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  }, 180_000);

  it("a client sees only its own data: no operator pages, another tenant's customer is NOT_FOUND", async () => {
    const other = await newTenant(session.app);
    const foreign = await ok(
      other.api.post('/v1/customers', individualBody(uid('foreign'), { first_name: 'Foreign', last_name: 'Person' })),
    );
    const me = await newTenant(session.app);
    const mine = await ok(me.api.post('/v1/customers', individualBody(uid('mine'), { first_name: 'Own', last_name: 'Customer' })));
    // The client's own credentials work at the token endpoint as they do in the browser.
    const token = await session.app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { authorization: basic(me.clientId, me.secret) },
    });
    expect(token.statusCode).toBe(200);

    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, me.clientId, me.secret);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    await nav.getByRole('link', { name: 'Customers' }).waitFor();
    for (const operatorOnly of ['Clients', 'Suspense', 'Ledger'])
      expect(await nav.getByRole('link', { name: operatorOnly }).count()).toBe(0);
    expect(await page.getByLabel('Acting for client').count()).toBe(0);
    await shot(page, '12-client-overview');

    await navTo(page, 'Customers');
    const list = page.getByRole('table', { name: 'Customers' });
    await list.getByRole('link', { name: 'Own Customer' }).waitFor();
    expect(await list.getByText('Foreign Person').count()).toBe(0);

    await go(page, `/customers/${foreign.id}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^NOT_FOUND: /);
    await shot(page, '13-client-foreign-customer');

    await go(page, '/clients');
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.getByRole('table', { name: 'Clients' }).count()).toBe(0);
    await shot(page, '14-client-no-clients-page');

    await go(page, `/customers/${mine.id}`);
    await page.getByRole('heading', { name: 'Own Customer' }).waitFor();
    // The _L2F statuses are the operator's: a client is not offered them.
    const options = await page.getByLabel('New status').locator('option').allTextContents();
    expect(options).toContain('FROZEN');
    expect(options.some((o) => o.endsWith('_L2F'))).toBe(false);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);

  it('shows an 18-decimal balance and a USD balance past 2^53 cents exactly (the SDK in the browser reads amounts as text)', async () => {
    const t = await newTenant(session.app);
    const eth = (await fundedAccount(t, ETH, '0.123456789012345678')).id;
    const usd = (await fundedAccount(t, USD, '12345678901234567.89')).id;
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);
    await go(page, `/accounts/${eth}`);
    await page.getByTestId('current-balance').getByText('0.123456789012345678 ETH').waitFor();
    await go(page, `/accounts/${usd}`);
    await page.getByTestId('available-balance').getByText('12,345,678,901,234,567.89 USD').waitFor();
    await shot(page, '15-exact-amounts');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);
});
