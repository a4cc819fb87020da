/**
 * The console's cards and virtual accounts in headless Chromium against the real app (issue 14,
 * CONTRACT §13-§15): a card issued through the API is listed, locked by its button, closed only
 * after confirming, authorized from the simulations panel (approved, with its exact amount in the
 * card's authorizations; declined, with its reason); refusals show in role="alert"; a virtual
 * account created on the account's page shows its bank details and is disabled and closed there;
 * a client sees none of another tenant's cards. No page ever shows a full card number.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TENANT_SCOPES } from '../../src/shared/scopes.js';
import { Api, newTenant, OPERATOR, type Tenant, tokenFor } from '../helpers.js';
import { customerWithAccount, EUR, fund, ok, openAccount } from '../money/_fixtures.js';
import { consoleSession, go, navTo, shot, signIn } from './_browser.js';

const session = consoleSession();

const ADDRESS = { address_line1: '1 Main St', city: 'New York', state: 'NY', postal_code: '10001', country_code: 'US' };

/** A tenant with a funded USD account and a VIRTUAL card on it, issued through the API. */
async function cardholder(funds: string) {
  const t = await newTenant(session.app);
  const { customerId, accountId } = await customerWithAccount(t);
  await fund(t, accountId, funds);
  const card = await ok(
    t.api.post('/v1/cards', {
      customer_id: customerId,
      account_id: accountId,
      card_type: 'VIRTUAL',
      cardholder_name: 'Ada Lovelace',
      spending_controls: { per_authorization_limit: '2500', allowed_countries: ['US', 'FR'] },
    }),
  );
  return { t, customerId, accountId, card };
}

/**
 * The full number of a card, through the one route that has it: the operator grants the tenant
 * cards:sensitive first; the console, signed in with the same credentials, does not ask for that
 * scope (and never shows the number).
 */
async function grantSensitiveAndReadPan(t: Tenant, cardId: string): Promise<string> {
  await ok(t.operator.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...TENANT_SCOPES, 'cards:sensitive'] }));
  const sensitive = new Api(session.app, await tokenFor(session.app, t.clientId, t.secret));
  const pan = (await ok(sensitive.get(`/v1/cards/${cardId}/sensitive`))).pan as string;
  expect(pan).toMatch(/^\d{16}$/);
  return pan;
}

async function expectNoPan(page: Page, pan: string) {
  const text = (await page.locator('body').textContent()) ?? '';
  expect(text.replace(/\s/g, '')).not.toContain(pan);
}

describe('console: cards and authorizations', () => {
  it('lists a card, locks it, authorizes it from the simulations panel, closes it after confirming; refusals show in role="alert"', async () => {
    const { t, accountId, card } = await cardholder('10000');
    const pan = await grantSensitiveAndReadPan(t, card.id);
    const { page } = session.browser;
    const requested: string[] = [];
    const record = (r: { url(): string }) => requested.push(r.url());
    page.on('request', record);
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);

    // The list: the card by its last 4 digits, filterable by account.
    await navTo(page, 'Cards');
    const list = page.getByRole('table', { name: 'Cards' });
    await page.getByLabel('Account ID').fill(accountId);
    const row = list.getByRole('row').filter({ hasText: card.last4 });
    await row.getByText('ACTIVE', { exact: true }).waitFor();
    expect(await row.getByText('Ada Lovelace').count()).toBe(1);
    await page.getByLabel('Status').selectOption('LOCKED');
    await list.getByText('No cards match.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await row.waitFor();
    await expectNoPan(page, pan);
    await shot(page, 'cards-01-list');

    // The detail: last 4, expiry, holder, spending controls in the account's asset.
    await list.getByRole('link', { name: `Card ending ${card.last4}, Ada Lovelace` }).click();
    await page.getByRole('heading', { level: 1, name: `Card VISA •••• ${card.last4}` }).waitFor();
    expect(await page.getByTestId('card-last4').textContent()).toBe(card.last4);
    await page.getByText(`${String(card.exp_month).padStart(2, '0')}/${card.exp_year}`).waitFor();
    const controls = page.getByTestId('spending-controls');
    await controls.getByText('2,500.00 USD').waitFor();
    await controls.getByText('US, FR').waitFor();
    await expectNoPan(page, pan);

    // Lock by the button: the API holds LOCKED, and so does the page.
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByTestId('card-status').getByText('LOCKED').waitFor();
    await page.getByRole('status').getByText('Card is now LOCKED.').waitFor();
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('LOCKED');
    await shot(page, 'cards-02-locked');

    // A locked card declines: the simulations panel says why.
    await navTo(page, 'Simulations');
    const panel = page.getByRole('region', { name: 'Card authorization' });
    await panel.getByLabel('Card ID').fill(card.id);
    await panel.getByLabel('Authorization amount').fill('12.34');
    await panel.getByRole('button', { name: 'Simulate card authorization' }).click();
    await panel.getByTestId('decline-reason').getByText('CARD_NOT_ACTIVE').waitFor();
    expect(await panel.getByTestId('authorization-status').textContent()).toBe('DECLINED');

    // Unlocked again, an authorization within funds and limits is approved: its funds are held.
    await go(page, `/cards/${card.id}`);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByTestId('card-status').getByText('ACTIVE').waitFor();
    await navTo(page, 'Simulations');
    await panel.getByLabel('Card ID').fill(card.id);
    await panel.getByLabel('Authorization amount').fill('1234.5');
    await panel.getByLabel('Merchant name').fill('Łódź Café');
    await panel.getByLabel('MCC').fill('5812');
    await panel.getByLabel('Merchant country').fill('FR');
    await panel.getByRole('button', { name: 'Simulate card authorization' }).click();
    const approved = panel.getByRole('status');
    await approved.getByText('1,234.50 USD').waitFor();
    expect(await panel.getByTestId('authorization-status').textContent()).toBe('PENDING');
    expect(await approved.textContent()).toMatch(/^Approved: authorization cauth_\S+ is PENDING, 1,234\.50 USD at Łódź Café\./);
    const [auth] = (await ok(t.api.get(`/v1/cards/${card.id}/authorizations`))).authorizations;
    expect(auth).toMatchObject({ status: 'PENDING', amount: '1234.5', merchant: { name: 'Łódź Café', mcc: '5812', country: 'FR' } });
    expect((await ok(t.api.get(`/v1/accounts/deposits/${accountId}`))).available_balance).toBe('8765.5');
    expect(await approved.getByRole('link', { name: 'See the card' }).getAttribute('href')).toBe(`/console/cards/${card.id}`);
    await shot(page, 'cards-03-simulated-authorization');

    // Beyond the card's per-authorization limit: declined, with the reason.
    await panel.getByLabel('Authorization amount').fill('2500.01');
    await panel.getByRole('button', { name: 'Simulate card authorization' }).click();
    await panel.getByTestId('decline-reason').getByText('PER_AUTHORIZATION_LIMIT').waitFor();

    // A refusal of the simulation itself (an unknown card) is the API's, in role="alert".
    await panel.getByLabel('Card ID').fill('card_no-such-card');
    await panel.getByRole('button', { name: 'Simulate card authorization' }).click();
    await panel.getByRole('alert').waitFor();
    expect(await panel.getByRole('alert').textContent()).toMatch(/^NOT_FOUND: .+/);

    // The card's authorizations: the approved one with its exact amounts, the declines with reasons.
    await go(page, `/cards/${card.id}`);
    const auths = page.getByRole('table', { name: 'Authorizations, newest first' });
    const approvedRow = auths.getByRole('row').filter({ hasText: 'PENDING' });
    await approvedRow.getByText('Łódź Café').waitFor();
    expect(await approvedRow.count()).toBe(1);
    expect(await approvedRow.getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      'Łódź Café (MCC 5812, FR)',
      'PENDING',
      '1,234.50 USD',
      '0.00 USD',
      '0.00 USD',
      '—',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    ]);
    await auths.getByRole('row').filter({ hasText: 'PER_AUTHORIZATION_LIMIT' }).getByText('2,500.01 USD').waitFor();
    await auths.getByRole('row').filter({ hasText: 'CARD_NOT_ACTIVE' }).getByText('12.34 USD').waitFor();
    await shot(page, 'cards-04-authorizations');

    // An invalid move: the card is closed behind the page's back, then "Lock" is refused by the API.
    const other = await ok(
      t.api.post('/v1/cards', {
        customer_id: card.customer_id,
        account_id: accountId,
        card_type: 'VIRTUAL',
        cardholder_name: 'Second Card',
      }),
    );
    await go(page, `/cards/${other.id}`);
    await page.getByRole('button', { name: 'Lock', exact: true }).waitFor();
    await ok(t.api.patch(`/v1/cards/${other.id}`, { status: 'CLOSED' }));
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    const refused = page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^INVALID_STATUS_TRANSITION: .+/);
    await shot(page, 'cards-05-invalid-move-refused');

    // Close asks first: "Keep it" leaves the card as it was; Confirm closes it.
    await go(page, `/cards/${card.id}`);
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText(`Close card VISA •••• ${card.last4} for good? It cannot be reopened.`).waitFor();
    // Focus moves to "Confirm", so the keyboard answers the question.
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.textContent === 'Confirm');
    await shot(page, 'cards-06-close-asks');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('ACTIVE');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // Keyboard: Escape dismisses the question too.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('ACTIVE');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('card-status').getByText('CLOSED').waitFor();
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('CLOSED');
    expect(await page.getByRole('button', { name: /^(Lock|Unlock|Close|Activate)$/ }).count()).toBe(0);
    await shot(page, 'cards-07-closed');

    // The full number never reached a page: the console never asked for it.
    await expectNoPan(page, pan);
    page.off('request', record);
    expect(requested.some((u) => u.includes('/v1/cards/'))).toBe(true);
    expect(requested.filter((u) => u.includes('/sensitive'))).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 180_000);

  it('a PHYSICAL card asks for its last 4 digits to activate; a wrong one is refused in role="alert"', async () => {
    const t = await newTenant(session.app);
    const { customerId, accountId } = await customerWithAccount(t);
    const card = await ok(
      t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'PHYSICAL', shipping_address: ADDRESS }),
    );
    expect(card.status).toBe('INACTIVE');
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);
    await go(page, `/cards/${card.id}`);
    await page.getByTestId('card-status').getByText('INACTIVE').waitFor();
    // Keyboard only: Tab to the field, type, Enter submits the form.
    const field = page.getByLabel('Last 4 digits on the card');
    await field.focus();
    await page.keyboard.type(card.last4 === '0000' ? '0001' : '0000');
    await page.keyboard.press('Enter');
    const refused = page.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^VALIDATION_ERROR: .+\(field last4\)/);
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('INACTIVE');
    await shot(page, 'cards-08-activation-refused');
    await field.fill(card.last4);
    await page.getByRole('button', { name: 'Activate', exact: true }).click();
    await page.getByTestId('card-status').getByText('ACTIVE').waitFor();
    await page.getByRole('status').getByText('Card is now ACTIVE.').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect((await ok(t.api.get(`/v1/cards/${card.id}`))).status).toBe('ACTIVE');
    await shot(page, 'cards-09-activated');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);

  it("a client sees none of another tenant's cards: not listed, and NOT_FOUND by id", async () => {
    const theirs = await cardholder('10');
    const mine = await cardholder('10');
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, mine.t.clientId, mine.t.secret);
    await navTo(page, 'Cards');
    const list = page.getByRole('table', { name: 'Cards' });
    await list.getByRole('link', { name: `Card ending ${mine.card.last4}, Ada Lovelace` }).waitFor();
    expect(await list.getByRole('row').count()).toBe(2); // the header and my one card
    expect(await list.getByText(theirs.card.id).count()).toBe(0);
    // Their customer as a filter finds nothing; their card by id is NOT_FOUND, as the API says.
    await page.getByLabel('Customer ID').fill(theirs.customerId);
    await list.getByText('No cards match.').waitFor();
    await go(page, `/cards/${theirs.card.id}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^NOT_FOUND: /);
    await shot(page, 'cards-10-foreign-card');
    await page.getByRole('button', { name: 'Sign out' }).click();

    // The operator, acting for the owner, sees it.
    await signIn(page, OPERATOR.id, OPERATOR.secret);
    await page.getByLabel('Acting for client').selectOption(theirs.t.clientId);
    await go(page, `/cards/${theirs.card.id}`);
    await page.getByTestId('card-status').getByText('ACTIVE').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);
});

describe('console: virtual accounts on the account page', () => {
  it('creates an ACH one (routing number shown), disables and enables it, closes a SEPA_CT one (IBAN shown) after confirming', async () => {
    const t = await newTenant(session.app);
    const { customerId, accountId } = await customerWithAccount(t);
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await signIn(page, t.clientId, t.secret);
    await go(page, `/accounts/${accountId}`);
    const section = page.getByRole('region', { name: 'Virtual accounts' });
    const table = section.getByRole('table', { name: 'Virtual accounts, newest first' });
    await table.getByText('No virtual accounts yet.').waitFor();

    const form = section.getByRole('form', { name: 'Create virtual account' });
    await form.getByLabel('Rail').selectOption('ACH');
    await form.getByLabel('Virtual account name').fill('Rent collections');
    await form.getByRole('button', { name: 'Create virtual account' }).click();
    const row = table.getByRole('row').filter({ hasText: 'Rent collections' });
    await row.getByText('ACTIVE', { exact: true }).waitFor();
    const [va] = (await ok(t.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`))).virtual_accounts;
    expect(va).toMatchObject({ rail: 'ACH', status: 'ACTIVE', name: 'Rent collections' });
    expect(await row.getByTestId('va-routing-number').textContent()).toBe(va.routing_number);
    expect(await row.getByTestId('va-account-number').textContent()).toBe(va.account_number);
    expect(va.routing_number).toMatch(/^\d{9}$/);
    await shot(page, 'va-01-created');

    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('DISABLED', { exact: true }).waitFor();
    expect((await ok(t.api.get(`/v1/virtual-accounts/${va.id}`))).status).toBe('DISABLED');
    await shot(page, 'va-02-disabled');
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('ACTIVE', { exact: true }).waitFor();
    expect((await ok(t.api.get(`/v1/virtual-accounts/${va.id}`))).status).toBe('ACTIVE');

    // A rail of another currency is refused by the API, in role="alert".
    await form.getByLabel('Rail').selectOption('SEPA_CT');
    await form.getByRole('button', { name: 'Create virtual account' }).click();
    const refused = section.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^[A-Z_]+: .+/);
    expect((await ok(t.api.get(`/v1/accounts/deposits/${accountId}/virtual-accounts`))).virtual_accounts).toHaveLength(1);
    await shot(page, 'va-03-refused');

    // A EUR account: SEPA_CT details are an IBAN and a BIC; closing asks first.
    const eur = await openAccount(t, customerId, EUR);
    await go(page, `/accounts/${eur}`);
    await table.getByText('No virtual accounts yet.').waitFor();
    await form.getByLabel('Rail').selectOption('SEPA_CT');
    await form.getByRole('button', { name: 'Create virtual account' }).click();
    const sepa = table.getByRole('row').filter({ hasText: 'SEPA_CT' });
    await sepa.getByText('ACTIVE', { exact: true }).waitFor();
    const [viban] = (await ok(t.api.get(`/v1/accounts/deposits/${eur}/virtual-accounts`))).virtual_accounts;
    expect(await sepa.getByTestId('va-iban').textContent()).toBe(viban.iban);
    expect(await sepa.getByTestId('va-bic').textContent()).toBe(viban.bic);
    await sepa.getByRole('button', { name: 'Close' }).click();
    await sepa
      .getByRole('alertdialog')
      .getByText(/^Close virtual account .+ for good\?/)
      .waitFor();
    expect((await ok(t.api.get(`/v1/virtual-accounts/${viban.id}`))).status).toBe('ACTIVE');
    await shot(page, 'va-04-close-asks');
    await sepa.getByRole('button', { name: 'Confirm' }).click();
    await sepa.getByText('CLOSED', { exact: true }).waitFor();
    expect((await ok(t.api.get(`/v1/virtual-accounts/${viban.id}`))).status).toBe('CLOSED');
    expect(await sepa.getByRole('button').count()).toBe(0);
    await shot(page, 'va-05-closed');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 180_000);
});
