/**
 * The console by keyboard alone (issue 14: "usable by keyboard"): "Skip to content" moves focus
 * into the main region; a page opened from the navigation (loaded lazily on its first visit) puts
 * focus on its heading once it is on screen; a confirmation dismissed by Escape or "Keep it" gives
 * focus back to the button that asked.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newTenant } from '../helpers.js';
import { consoleSession, shot } from './_browser.js';

const session = consoleSession();

/** The focused element, described: tag, text, and id when it has one. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = (globalThis as any).document.activeElement;
    return { tag: String(el?.tagName ?? '').toLowerCase(), text: String(el?.textContent ?? '').trim(), id: String(el?.id ?? '') };
  });

async function waitForFocus(page: Page, tag: string, text: string) {
  await page.waitForFunction(
    ([t, x]) => {
      const el = (globalThis as any).document.activeElement;
      return String(el?.tagName ?? '').toLowerCase() === t && String(el?.textContent ?? '').trim() === x;
    },
    [tag, text] as const,
  );
}

/** Presses `key` until the focused element is a `tag` named `text` (at most `max` presses). */
async function pressUntil(page: Page, key: string, tag: string, text: string, max = 40) {
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (f.tag === tag && f.text === text) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached <${tag}> "${text}" (at ${JSON.stringify(await focused(page))})`);
}

describe('console by keyboard', () => {
  it('skip link, navigation to a lazily loaded page (focus on its heading), a confirmation dismissed (focus back on its button)', async () => {
    const t = await newTenant(session.app);
    const { page } = session.browser;
    await page.goto(`${session.base}/console/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // Sign in by keyboard: the first Tab reaches "Client ID".
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'input' });
    await page.keyboard.type(t.clientId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(t.secret);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // The first page's heading takes focus (the form that had it is gone).
    await waitForFocus(page, 'h1', 'Overview');

    // From the top of the page, the first Tab reaches "Skip to content"; Enter moves focus to <main>.
    await page.evaluate(() => {
      const d = (globalThis as any).document;
      d.activeElement?.blur();
      d.body.setAttribute('tabindex', '-1');
      d.body.focus(); // the sequential navigation starts at the top of the document
      d.body.removeAttribute('tabindex');
    });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', text: 'Skip to content' });
    await shot(page, 'keyboard-01-skip-link');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'main');
    expect((await focused(page)).tag).toBe('main');

    // Back (Shift+Tab) into the navigation, to "Customers": Enter opens it, and once the page has
    // loaded (its first visit: a lazy chunk, "Loading…" meanwhile) its heading holds focus.
    await pressUntil(page, 'Shift+Tab', 'a', 'Customers');
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'h1', 'Customers');
    expect(page.url()).toBe(`${session.base}/console/customers`);

    // From the heading, back to the navigation and "Simulations" (also a first visit).
    await pressUntil(page, 'Shift+Tab', 'a', 'Simulations');
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'h1', 'Simulations');
    await shot(page, 'keyboard-02-heading-focused');

    // A confirmation: Enter asks (focus on "Confirm"), Escape dismisses, focus is back on the button.
    await pressUntil(page, 'Tab', 'button', 'Move clock');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await waitForFocus(page, 'button', 'Confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await waitForFocus(page, 'button', 'Move clock');
    // The same with "Keep it".
    await page.keyboard.press('Enter');
    await waitForFocus(page, 'button', 'Confirm');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Keep it' });
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await waitForFocus(page, 'button', 'Move clock');
    await shot(page, 'keyboard-03-focus-back-on-trigger');
    await page.getByRole('button', { name: 'Sign out' }).click();
  }, 120_000);
});
