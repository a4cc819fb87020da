/**
 * The receiver the README shows, run as written (only its port changed): it accepts real
 * deliveries (verified with the subscription's key) and refuses a forged or stale one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '../../src/db/schema-webhooks.js';
import { webhookKeyContext } from '../../src/modules/webhooks/index.js';
import { newKeyPair, signDelivery } from '../../src/modules/webhooks/webhooks.signing.js';
import { makeApp, newTenant } from '../helpers.js';
import { deliveriesOf, type ManualClock, manualClock, newCustomer, pass, until } from './_support.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

function readmeReceiver(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Webhooks'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('no js block in the README Webhooks section');
  return m[1];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let clock: ManualClock;
let app: FastifyInstance;
let child: ChildProcess | undefined;
const file = join(tmpdir(), `ledgerline-readme-receiver-${process.pid}.mjs`);

beforeAll(async () => {
  clock = manualClock(Date.now()); // the snippet checks x-timestamp against real time
  app = await makeApp({ WEBHOOK_WORKER: 'false' }, { clock });
});
afterAll(async () => {
  child?.kill('SIGKILL');
  rmSync(file, { force: true });
  await app.close();
});

describe('the README receiver', () => {
  it('verifies real deliveries and refuses forged or stale ones', async () => {
    const t = await newTenant(app);
    const port = await freePort();
    const code = readmeReceiver();
    // It listens on CALLBACK_URL's port, as the README's Webhooks section sets it.
    expect(code).toContain('.listen(new URL(process.env.CALLBACK_URL).port)');
    writeFileSync(file, code);

    const sub = (await t.api.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: `http://localhost:${port}/hooks` }))
      .body.data;
    let out = '';
    child = spawn(process.execPath, [file], {
      env: { ...process.env, SIGNATURE_VERIFICATION_KEY: sub.signature_verification_key, CALLBACK_URL: `http://localhost:${port}/hooks` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/hooks`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    await until(
      'the receiver to listen',
      async () => {},
      () =>
        post('{}', {}).then(
          (r) => r.status === 401,
          () => false,
        ),
    );

    const customerId = await newCustomer(t.api);
    await until(
      'the delivery',
      () => pass(app, t.clientId),
      async () => (await deliveriesOf(t.api, sub.id))[0]?.status === 'DELIVERED',
    );
    const [delivery] = await deliveriesOf(t.api, sub.id);
    expect(delivery.attempts.at(-1)).toMatchObject({ status_code: 204, succeeded: true });
    await until(
      'the log line',
      async () => {},
      () => out.includes(customerId),
    );
    expect(out).toContain(`CUSTOMER_ACTIVE ${JSON.stringify({ customer: { id: customerId, status: 'ACTIVE' } })}`);

    // Forged (another key, or a tampered body), stale (a valid signature 10 minutes old): refused.
    const [row] = await app.ledgerline.database.db
      .select({ privateKey: subscriptions.privateKey })
      .from(subscriptions)
      .where(and(eq(subscriptions.clientId, t.clientId), eq(subscriptions.id, sub.id)));
    // Stored encrypted (CONTRACT §17): the test opens it with the app's vault.
    const realKey = app.ledgerline.vault.decrypt(row?.privateKey as string, webhookKeyContext(t.clientId, sub.id));
    const body = JSON.stringify({
      event_id: 'evt_forged',
      event_date: new Date().toISOString(),
      event_type: 'CUSTOMER_ACTIVE',
      event_data: {},
    });
    const now = String(Math.floor(Date.now() / 1000));
    const old = String(Math.floor(Date.now() / 1000) - 600);
    const stranger = newKeyPair();
    expect((await post(body, { 'x-timestamp': now, 'x-signature': signDelivery(stranger.privateKeyPem, now, body) })).status).toBe(401);
    expect((await post(`${body} `, { 'x-timestamp': now, 'x-signature': signDelivery(realKey, now, body) })).status).toBe(401);
    expect((await post(body, { 'x-timestamp': old, 'x-signature': signDelivery(realKey, old, body) })).status).toBe(401);
    expect((await post(body, { 'x-timestamp': now, 'x-signature': 'zz' })).status).toBe(401);
    expect(out).not.toContain('evt_forged');
    // The same key and a fresh timestamp: accepted.
    expect((await post(body, { 'x-timestamp': now, 'x-signature': signDelivery(realKey, now, body) })).status).toBe(204);
  });
});
