/**
 * Helpers of the console tests (not a test file): the real app listening on a random port with the
 * built console, and Debian's Chromium driven by playwright-core (no browser download: CONTRACT
 * §15, DESIGN.md). Screenshots go to console-screenshots/ at the repository root (a CI artifact).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CONSOLE_DIST } from '../../src/platform/console.plugin.js';
import { makeApp } from '../helpers.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../console-screenshots');

/** The app on 127.0.0.1:<random port>, serving the built console. */
export async function listeningApp(): Promise<{ app: FastifyInstance; base: string }> {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(`The console is not built (${CONSOLE_DIST}): run npm install (or npm run build -w console) at the repository root.`);
  }
  const app = await makeApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { app, base: `http://127.0.0.1:${address.port}` };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless Chromium on a fresh profile, one page. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium); .ci/run does.`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ledgerline-console-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a browser test file works with: the listening app, its origin and the browser. */
export interface ConsoleSession {
  app: FastifyInstance;
  base: string;
  browser: Browser;
}

/**
 * Registers the file's beforeAll (the app listening and Chromium open) and afterAll (both closed);
 * the returned object is filled in by the time the tests run.
 */
export function consoleSession(): ConsoleSession {
  const session = {} as ConsoleSession;
  beforeAll(async () => {
    Object.assign(session, await listeningApp());
    session.browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await session.browser?.close();
    await session.app?.close();
  });
  return session;
}

/** A full-page screenshot, named by the step. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, clientId: string, secret: string): Promise<void> {
  await page.getByLabel('Client ID').fill(clientId);
  await page.getByLabel('Client secret').fill(secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** In-app navigation (the token lives in the tab's memory: a reload would sign out). */
export async function go(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => {
    const w = globalThis as any; // runs in the page (the server's tsconfig has no DOM types)
    w.history.pushState(null, '', `/console${p}`);
    w.dispatchEvent(new w.PopStateEvent('popstate'));
  }, path);
}

export async function navTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}
