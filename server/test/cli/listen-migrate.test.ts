/**
 * `ledgerline listen --forward-to` delivering to a local receiver with a valid signature, and
 * `ledgerline migrate` (the only command that opens the database), including a locked store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { listMigrations } from '../../src/db/migrate.js';
import { listSqlSources } from '../../src/db/sources.js';
import { corporationBody, makeApp, newTenant, uid } from '../helpers.js';
import { Receiver, until, verifySignature } from '../webhooks/_support.js';
import { runCli, startCli } from './_cli.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await makeApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

describe('ledgerline listen --forward-to', { timeout: 180_000 }, () => {
  it('forwards each new event, raw body and signed headers unchanged, and prints the receiver’s status', async () => {
    const t = await newTenant(app);
    const env = { LEDGERLINE_BASE_URL: base, LEDGERLINE_CLIENT_ID: t.clientId, LEDGERLINE_CLIENT_SECRET: t.secret };
    const receiver = await new Receiver().start();
    receiver.answer('/hooks', () => 202);
    const listen = startCli(['listen', '--forward-to', receiver.url('/hooks'), '--json'], env);
    try {
      const ready = JSON.parse(await listen.line((l) => l.includes('"ready"')));
      expect(ready).toMatchObject({ ready: true, listener_id: expect.stringMatching(/^evl_/), forward_to: receiver.url('/hooks') });
      expect(ready.signature_verification_key).toMatch(/^[0-9a-f]{64}$/);
      receiver.expectKey('/hooks', ready.signature_verification_key);

      const id = uid('listen');
      expect((await t.api.post('/v1/customers', corporationBody(id))).status).toBe(200);
      const got = await until(
        'the forwarded event',
        async () => {},
        () => receiver.at('/hooks')[0],
      );
      expect(got.verified).toBe(true); // Ed25519 over <x-timestamp><raw body> with the printed key
      expect(got.contentType).toBe('application/json');
      expect(got.body).toMatchObject({
        event_id: got.eventId,
        event_type: 'CUSTOMER_ACTIVE',
        event_data: { customer: { id, status: 'ACTIVE' } },
      });
      expect(verifySignature(ready.signature_verification_key, got.timestamp, got.raw.replace(id, 'someone-else'), got.signature)).toBe(
        false,
      );
      const printed = JSON.parse(await listen.line((l) => l.includes(got.eventId)));
      expect(printed).toMatchObject({ event_id: got.eventId, event_type: 'CUSTOMER_ACTIVE', status: 202, ok: true, error: null });

      // A receiver that refuses: the line says so, and listening goes on.
      receiver.answer('/hooks', () => 500);
      expect((await t.api.post('/v1/customers', corporationBody(uid('listen')))).status).toBe(200);
      const refusedAt = await until(
        'a second delivery',
        async () => {},
        () => receiver.at('/hooks')[1],
      );
      expect(JSON.parse(await listen.line((l) => l.includes(refusedAt.eventId)))).toMatchObject({ status: 500, ok: false });
    } finally {
      const code = await listen.stop();
      await receiver.close();
      expect(code, listen.stderr()).toBe(0);
    }
    // Stopping deleted the listener.
    const ready = JSON.parse(listen.lines[0] as string);
    expect((await t.api.get(`/v1/event-listeners/${ready.listener_id}/stream`)).status).toBe(404);
  });

  it('prints Ready with the key for a person, and refuses a URL that is not one', async () => {
    const t = await newTenant(app);
    const env = { LEDGERLINE_BASE_URL: base, LEDGERLINE_CLIENT_ID: t.clientId, LEDGERLINE_CLIENT_SECRET: t.secret };
    const listen = startCli(['listen', '--forward-to', 'http://127.0.0.1:9/hooks'], env);
    const line = await listen.line((l) => l.startsWith('Ready!'));
    expect(line).toContain('http://127.0.0.1:9/hooks');
    expect(await listen.line((l) => l.includes('signature_verification_key'))).toMatch(/[0-9a-f]{64}/);
    expect(await listen.stop()).toBe(0);
    const bad = await runCli(['listen', '--forward-to', 'not a url', '--json'], env);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('CLI_ERROR');
  });
});

describe('ledgerline migrate', { timeout: 180_000 }, () => {
  it('reports, applies, and refuses with a clear message while a server holds the embedded store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-migrate-'));
    const versions = listMigrations().map((m) => m.version);
    const everything = [...versions, ...listSqlSources().map((s) => s.name)]; // migrations, then the ledger's SQL functions
    try {
      const status = await runCli(['migrate', '--status', '--json'], { DATA_DIR: dir });
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual({ database: `embedded (${dir})`, applied: [], pending: everything });

      const applied = await runCli(['migrate', '--json'], { DATA_DIR: dir });
      expect(applied.code, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout)).toEqual({ database: `embedded (${dir})`, applied: everything });
      expect(applied.stderr).toBe(''); // no progress bar in JSON, nor when stderr is not a terminal

      const again = await runCli(['migrate', '--status'], { DATA_DIR: dir });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Up to date.');

      // A server (here: this process) has the store open: no stack trace, a sentence, exit 75.
      const held = await openDatabase({ dataDir: dir });
      try {
        const locked = await runCli(['migrate'], { DATA_DIR: dir });
        expect(locked.code).toBe(75);
        expect(locked.stderr).toBe(
          `Error: The embedded database in ${dir} is in use by a running Ledgerline server (pid ${process.pid}): stop it first. (The server applies pending migrations itself when it starts.)\n`,
        );
        const lockedJson = await runCli(['migrate', '--status', '--json'], { DATA_DIR: dir });
        expect(lockedJson.code).toBe(75);
        expect(JSON.parse(lockedJson.stdout).error).toMatchObject({ code: 'CLI_ERROR', data_dir: dir, pid: process.pid });
      } finally {
        await held.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000); // four cold starts of the embedded database

  it('shows its progress bar when LEDGERLINE_PROGRESS=1, even without a terminal: 0 of N, then N of N', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-cli-progress-'));
    const n = listMigrations().length + listSqlSources().length;
    try {
      const r = await runCli(['migrate'], { DATA_DIR: dir, LEDGERLINE_PROGRESS: '1' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Applied ${n} migration(s) to embedded (${dir}):`);
      const lines = r.stderr
        .split('\n')
        .map((l) => l.trimEnd())
        .filter(Boolean);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      for (const l of lines) expect(l).toMatch(new RegExp(`^Migrating \\[[= ]{40}\\] \\d{1,3}% \\| \\d+/${n}`));
      expect(lines[0]).toMatch(new RegExp(`\\] 0% \\| 0/${n}`));
      expect(lines.at(-1)).toMatch(new RegExp(`\\[={40}\\] 100% \\| ${n}/${n}$`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it.runIf(!!process.env.TEST_DATABASE_URL)('uses DATABASE_URL when set (PostgreSQL)', async () => {
    const status = await runCli(['migrate', '--status', '--json'], { DATABASE_URL: process.env.TEST_DATABASE_URL as string });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ database: 'postgresql', applied: listMigrations().map((m) => m.version), pending: [] });
    const applied = await runCli(['migrate', '--json'], { DATABASE_URL: process.env.TEST_DATABASE_URL as string });
    expect(JSON.parse(applied.stdout)).toEqual({ database: 'postgresql', applied: [] });
  });

  it('says which variable is wrong instead of a stack trace', async () => {
    const r = await runCli(['migrate', '--status'], { DATABASE_URL: 'mysql://nope' });
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/^Error: .*DATABASE_URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
