/**
 * The vault (CONTRACT §17, issue 10 point 1, first part): a master key wrapping data keys,
 * AES-256-GCM envelopes naming their key, rotation that re-wraps without rewriting rows, keyed
 * hashes; the token signing key and the webhook private keys encrypted at rest, including those
 * an earlier version stored in clear. The proof reads the database directly.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { ConfigError } from '../../src/config/index.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { platformSettings } from '../../src/db/schema.js';
import { subscriptions } from '../../src/db/schema-webhooks.js';
import { newKeyPair } from '../../src/modules/webhooks/webhooks.signing.js';
import { TokenService } from '../../src/platform/auth/tokens.js';
import { masterKeyId, open as openSealed, parseEnvelope, seal } from '../../src/platform/vault/crypto.js';
import { sandboxMasterKey, Vault } from '../../src/platform/vault/index.js';
import { keysCommand } from '../../src/platform/vault/keys-cli.js';
import { vaultKeys } from '../../src/platform/vault/vault.repository.js';
import { wallClock } from '../../src/shared/clock.js';
import { Api, corporationBody, getApp, individualBody, newTenant, testConfig, tokenFor } from '../helpers.js';
import { createApplication, individualApplication, requiredDocuments } from '../onboarding/_fixtures.js';
import { uploadFile } from '../onboarding/_multipart.js';
import { Receiver, subscribe, until } from '../webhooks/_support.js';

const K1 = '11'.repeat(32);
const K2 = '22'.repeat(32);
const key = (hex: string) => Buffer.from(hex, 'hex');

/** Every text or JSON column of every table holding `needle`, as `table.column (n rows)`. */
async function columnsContaining(database: Database, needle: string): Promise<string[]> {
  return database.rawTransaction(async (s) => {
    const columns = await s.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'bytea')
        ORDER BY table_name, column_name`,
    );
    expect(columns.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const c of columns) {
      const [row] = await s.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position($1 in "${c.column_name}"::text) > 0`,
        [needle],
      );
      if (row && Number(row.n) > 0) found.push(`${c.table_name}.${c.column_name} (${row.n} rows)`);
    }
    return found;
  });
}

/** A fresh embedded database in memory, migrated up to (not including) `before` when given. */
async function freshDatabase(before?: string): Promise<Database> {
  const database = await openDatabase({});
  await migrate(database, before ? listMigrations().filter((m) => m.version < before) : listMigrations());
  return database;
}

function verifies(publicKeyHex: string, timestamp: string, body: string, signatureHex: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex, 'hex')]);
  return verify(
    null,
    Buffer.from(timestamp + body),
    createPublicKey({ key: spki, format: 'der', type: 'spki' }),
    Buffer.from(signatureHex, 'hex'),
  );
}

describe('crypto and envelopes', () => {
  it('AES-256-GCM: a sealed value opens only with its key and its context, and any altered byte is refused', () => {
    const k = key(K1);
    const sealed = seal(k, Buffer.from('secret'), 'ctx-a');
    expect(openSealed(k, sealed, 'ctx-a').toString()).toBe('secret');
    expect(() => openSealed(k, sealed, 'ctx-b')).toThrow(/does not authenticate/);
    expect(() => openSealed(key(K2), sealed, 'ctx-a')).toThrow(/does not authenticate/);
    for (const i of [0, 12, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[i] = (altered[i] as number) ^ 1;
      expect(() => openSealed(k, altered, 'ctx-a')).toThrow(/does not authenticate/);
    }
    // A fresh nonce each time: the same value never encrypts to the same bytes.
    expect(seal(k, Buffer.from('secret'), 'ctx-a').equals(sealed)).toBe(false);
  });

  it('master key ids are derived from the key and reveal nothing of it', () => {
    expect(masterKeyId(key(K1))).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(masterKeyId(key(K1))).toBe(masterKeyId(key(K1)));
    expect(masterKeyId(key(K1))).not.toBe(masterKeyId(key(K2)));
    expect(masterKeyId(key(K1))).not.toContain('1111');
  });
});

describe('the Vault on a database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await freshDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('creates one encryption and one lookup data key on first open, wrapped by the master key, and reuses them after', async () => {
    const vault = await Vault.open(database.db, { masterKey: key(K1), now: () => new Date() });
    const rows = await database.db.select().from(vaultKeys);
    expect(rows.map((r) => [r.purpose, r.active, r.masterKeyId]).sort()).toEqual([
      ['encryption', true, masterKeyId(key(K1))],
      ['lookup', true, masterKeyId(key(K1))],
    ]);
    // The data keys are not stored in clear: their rows hold 12 + 32 + 16 bytes of AES-GCM output.
    for (const r of rows) expect(Buffer.from(r.wrappedKey, 'base64url')).toHaveLength(60);

    const envelope = vault.encrypt('-----BEGIN PRIVATE KEY-----x', 'thing:1');
    const parsed = parseEnvelope(envelope);
    expect(envelope).toMatch(/^llv1:dek_[0-9a-f-]+:[A-Za-z0-9_-]+$/);
    expect(parsed?.keyId).toBe(rows.find((r) => r.purpose === 'encryption')?.id);
    expect(vault.decrypt(envelope, 'thing:1')).toBe('-----BEGIN PRIVATE KEY-----x');
    expect(() => vault.decrypt(envelope, 'thing:2')).toThrow(/does not authenticate/);
    expect(vault.isEncrypted(envelope)).toBe(true);
    expect(vault.isEncrypted('-----BEGIN PRIVATE KEY-----')).toBe(false);

    const again = await Vault.open(database.db, { masterKey: key(K1), now: () => new Date() });
    expect(await database.db.select().from(vaultKeys)).toHaveLength(2);
    expect(again.decrypt(envelope, 'thing:1')).toBe('-----BEGIN PRIVATE KEY-----x');
  });

  it('keyed hashes: stable for a value and a domain, different across domains and values, not the value', async () => {
    const vault = await Vault.open(database.db, { masterKey: key(K1), now: () => new Date() });
    const h = vault.lookupHash('123-45-6789', 'customers.tax_reference_number');
    expect(h).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(vault.lookupHash('123-45-6789', 'customers.tax_reference_number')).toBe(h);
    expect(vault.lookupHash('123-45-6789', 'customers.passport_number')).not.toBe(h);
    expect(vault.lookupHash('123-45-6780', 'customers.tax_reference_number')).not.toBe(h);
    expect(h).not.toContain('6789');
  });

  it('refuses to open with a master key that wraps none of its data keys, naming both keys', async () => {
    const err = await Vault.open(database.db, { masterKey: key(K2), now: () => new Date() }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.variable).toBe('LEDGERLINE_MASTER_KEY');
    expect(err.message).toContain(masterKeyId(key(K1)));
    expect(err.message).toContain(masterKeyId(key(K2)));
  });
});

describe('secrets at rest in the shared test database', () => {
  it('no private key in clear in any table, once subscriptions and the token signing key exist', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    await subscribe(t.api, 'CUSTOMER_ACTIVE', 'http://127.0.0.1:9/hook');
    await subscribe(t.api, 'ACCOUNT_OPEN', 'http://127.0.0.1:9/hook2');
    expect(await columnsContaining(app.ledgerline.database, 'PRIVATE KEY')).toEqual([]);
    const [setting] = await app.ledgerline.database.db.select().from(platformSettings).where(eq(platformSettings.key, 'token_signing_key'));
    expect(Object.keys(setting?.value as object)).toEqual(['ciphertext']);
    const [sub] = await app.ledgerline.database.db.select().from(subscriptions).where(eq(subscriptions.clientId, t.clientId));
    expect(sub?.privateKey).toMatch(/^llv1:dek_/);
  });
});

describe('upgrade: secrets an earlier version stored in clear', () => {
  let database: Database;
  let app: FastifyInstance | undefined;
  let receiver: Receiver;
  let logs = '';
  beforeAll(async () => {
    database = await freshDatabase('0020'); // the schema before the vault
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await app?.close();
    await database.close();
    await receiver.close();
  });

  it('are encrypted at the next start, losing nothing: old tokens verify, subscriptions sign with the same key', {
    timeout: 120_000,
  }, async () => {
    // What the earlier version left: the signing key and a subscription's private key as PEM.
    const signing = newKeyPair().privateKeyPem;
    await database.db.insert(platformSettings).values({ key: 'token_signing_key', value: { pem: signing } });
    // The client row as that schema had it (today's service writes columns added later).
    const client = { client_id: 'cli_legacy_fintech' };
    await database.transaction((s) =>
      s.query(
        `insert into clients (id, name, secret_hash, regulated, scopes, tokens_valid_after, created_at, updated_at)
       values ($1, 'legacy fintech', 'scrypt$16384$8$1$x$y', true, $2, 'epoch', now(), now())`,
        [client.client_id, ['customers:read', 'customers:write']],
      ),
    );
    const oldTokens = await TokenService.create(database.db, wallClock(), 900, signing, {
      vault: { encrypt: () => '', decrypt: () => '', isEncrypted: () => false },
      mayGenerate: false,
    });
    const oldToken = (await oldTokens.issue(client.client_id, ['customers:read', 'customers:write'])).access_token;
    const pair = newKeyPair();
    await database.db.insert(subscriptions).values({
      clientId: client.client_id,
      id: 'sub_legacy',
      eventType: 'CUSTOMER_ACTIVE',
      callbackUrl: receiver.url('/legacy'),
      publicKey: pair.publicKeyHex,
      privateKey: pair.privateKeyPem,
      createdAt: new Date(Date.now() - 60_000),
    });
    expect(await columnsContaining(database, 'PRIVATE KEY')).toEqual([
      'platform_settings.value (1 rows)',
      'subscriptions.private_key (1 rows)',
    ]);

    // The new version starts (LOG_LEVEL trace: its logs must not hold the keys either).
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    app = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1, LOG_LEVEL: 'trace' }), { database, logStream: stream });

    expect(await columnsContaining(database, 'PRIVATE KEY')).toEqual([]);
    const [sub] = await database.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.clientId, client.client_id), eq(subscriptions.id, 'sub_legacy')));
    expect(sub?.privateKey).toMatch(/^llv1:/);
    expect(sub?.publicKey).toBe(pair.publicKeyHex);

    // A token signed before the upgrade still verifies; a customer created with it...
    const api = new Api(app, oldToken);
    const created = await api.post('/v1/customers', individualBody('legacy-customer'));
    expect(created.status, created.raw).toBe(200);
    // ... is announced to the old subscription, signed with its old key.
    await until(
      'the delivery',
      () => app?.ledgerline.webhookWorker.runOnce({ clientId: client.client_id }) ?? Promise.resolve(),
      () => receiver.at('/legacy').length === 1,
    );
    const got = receiver.at('/legacy')[0];
    expect(got?.body.event_data.customer.id).toBe('legacy-customer');
    expect(verifies(pair.publicKeyHex, got?.timestamp as string, got?.raw as string, got?.signature as string)).toBe(true);

    expect(logs).toContain('encrypted webhook private keys stored in clear');
    expect(logs).not.toContain('PRIVATE KEY');
    expect(logs).not.toContain(pair.privateKeyPem.split('\n')[1]);
  });
});

describe('master key rotation', () => {
  let database: Database;
  let receiver: Receiver;
  beforeAll(async () => {
    database = await freshDatabase();
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await database.close();
    await receiver.close();
  });

  const start = async (env: Record<string, string>) => {
    const app = await buildApp(testConfig(env), { database });
    await bootstrap(app);
    return app;
  };

  it('re-wraps the data keys with the new key (operator route), rewrites no data row, and the old key is then not needed', {
    timeout: 120_000,
  }, async () => {
    const first = await start({ LEDGERLINE_MASTER_KEY: K1 });
    const t = await newTenant(first);
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url('/rotated'));
    receiver.expectKey('/rotated', sub.key);
    // Every kind of encrypted value: a corporation's tax id (and its sealed stored answer), a document's file.
    const firstOp = new Api(first, t.operator.token);
    const scopes = (await firstOp.get(`/v1/admin/clients/${t.clientId}`)).body.data.scopes;
    await firstOp.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...scopes, 'customers:sensitive'] });
    const revealing = new Api(first, await tokenFor(first, t.clientId, t.secret));
    const corpBody = corporationBody('rotation-corp', { corporate_tax_reference_number: 'CT-ROTATION-4242' });
    const keyed = { 'x-l2f-idempotency-id': 'rotation-corp-key' };
    const corp = await revealing.post('/v1/customers', corpBody, keyed);
    expect(corp.status, corp.raw).toBe(200);
    const { id: applicationId } = await createApplication(revealing, individualApplication());
    const [document] = await requiredDocuments(revealing, applicationId);
    const file = Buffer.concat([Buffer.from('%PDF-1.7\nrotation\n', 'latin1'), randomBytes(128)]);
    expect((await uploadFile(revealing, document!.id, file)).status).toBe(200);
    const encryptedRows = () =>
      database.rawTransaction(async (s) => ({
        customers: await s.query(`SELECT details FROM customers WHERE client_id = $1 ORDER BY id`, [t.clientId]),
        history: await s.query(`SELECT id, before, after FROM resource_history WHERE client_id = $1 ORDER BY id`, [t.clientId]),
        answers: await s.query(`SELECT key, response_body FROM idempotency_keys WHERE client_id = $1 ORDER BY key`, [t.clientId]),
        files: await s.query(`SELECT document_id, encode(content, 'base64') AS content FROM document_files WHERE client_id = $1`, [
          t.clientId,
        ]),
      }));
    const before = {
      subscriptions: await database.db.select().from(subscriptions),
      settings: await database.db.select().from(platformSettings),
      encrypted: await encryptedRows(),
    };
    expect(JSON.stringify(before.encrypted.customers)).toContain('llv1:dek_');
    expect(before.encrypted.answers.map((r: any) => r.response_body.slice(0, 9))).toContain('llv1:dek_');
    expect(
      Buffer.from((before.encrypted.files[0] as any).content, 'base64')
        .subarray(0, 9)
        .toString(),
    ).toBe('llv1:dek_');
    await first.close();

    const rotating = await start({ LEDGERLINE_MASTER_KEY: K2, LEDGERLINE_PREVIOUS_MASTER_KEYS: K1 });
    const op = new Api(rotating, t.operator.token);
    const status = await op.get('/v1/admin/keys');
    expect(status.status, status.raw).toBe(200);
    expect(status.body.data.master_key_id).toBe(masterKeyId(key(K2)));
    expect(status.body.data.keys.map((k: any) => [k.purpose, k.master_key_id, k.current])).toEqual([
      ['encryption', masterKeyId(key(K1)), false],
      ['lookup', masterKeyId(key(K1)), false],
    ]);
    const tenantRefused = await new Api(rotating, t.api.token).post('/v1/admin/keys/rotate');
    expect(tenantRefused.status).toBe(403);
    const rotated = await op.post('/v1/admin/keys/rotate');
    expect(rotated.status, rotated.raw).toBe(200);
    expect(rotated.body.data.rewrapped).toBe(2);
    expect(rotated.body.data.keys.every((k: any) => k.current && k.master_key_id === masterKeyId(key(K2)) && k.rewrapped_at)).toBe(true);
    expect((await op.post('/v1/admin/keys/rotate')).body.data.rewrapped).toBe(0);
    // Only vault_keys changed: encrypted values are byte for byte what they were.
    expect(await database.db.select().from(subscriptions)).toEqual(before.subscriptions);
    expect(await database.db.select().from(platformSettings)).toEqual(before.settings);
    expect(await encryptedRows()).toEqual(before.encrypted);
    await rotating.close();

    const after = await start({ LEDGERLINE_MASTER_KEY: K2 });
    try {
      // The tenant's token (signed before the rotation) still verifies; webhooks still sign.
      expect((await new Api(after, t.api.token).post('/v1/customers', individualBody('after-rotation'))).status).toBe(200);
      await until(
        'the delivery',
        () => after.ledgerline.webhookWorker.runOnce({ clientId: t.clientId }),
        // The corporation made before the rotation became active too: two events, each signed.
        () => receiver.at('/rotated').length === 2,
      );
      expect(receiver.at('/rotated').map((d) => d.verified)).toEqual([true, true]);
      // Values encrypted before the rotation open under the new master key alone.
      const api = new Api(after, await tokenFor(after, t.clientId, t.secret));
      expect((await api.get('/v1/customers/rotation-corp')).body.data.corporate_tax_reference_number).toBe('CT-ROTATION-4242');
      const replay = await api.post('/v1/customers', corpBody, keyed);
      expect([replay.headers['x-l2f-idempotent-replay'], replay.raw]).toEqual(['true', corp.raw]);
      const download = await after.inject({
        method: 'GET',
        url: `/v1/documents/${document!.id}/download`,
        headers: { authorization: `Bearer ${api.token}` },
      });
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(file)).toBe(true);
    } finally {
      await after.close();
    }

    const stale = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database }).catch((e) => e);
    expect(stale).toBeInstanceOf(ConfigError);
    expect(stale.message).toContain(`wrapped by master key ${masterKeyId(key(K2))}`);
  });
});

describe('master keys in the sandbox, signing keys in production', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the sandbox generates a master key on first start, in DATA_DIR/master.key (owner only), and keeps it', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-mk-'));
    dirs.push(dir);
    const first = sandboxMasterKey(dir);
    expect(first.created).toBe(true);
    expect(first.file).toBe(join(dir, 'master.key'));
    expect(statSync(join(dir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'master.key'), 'utf8').trim()).toBe(first.key.toString('hex'));
    const second = sandboxMasterKey(dir);
    expect([second.created, second.key.equals(first.key)]).toEqual([false, true]);

    // An app started without LEDGERLINE_MASTER_KEY uses it, and so does its next start.
    const database = await freshDatabase();
    try {
      const env = { LEDGERLINE_MASTER_KEY: '', DATA_DIR: dir };
      const app = await buildApp(testConfig(env), { database });
      expect(app.ledgerline.vault.masterKeyId).toBe(masterKeyId(first.key));
      await app.close();
      const again = await buildApp(testConfig(env), { database });
      expect(again.ledgerline.vault.masterKeyId).toBe(masterKeyId(first.key));
      await again.close();
    } finally {
      await database.close();
    }
  });

  it('production does not generate a token signing key: without TOKEN_SIGNING_KEY on an empty database it refuses to start', {
    timeout: 120_000,
  }, async () => {
    const database = await freshDatabase();
    try {
      const prod = { LEDGERLINE_MODE: 'production', LEDGERLINE_MASTER_KEY: K1 };
      const refused = await buildApp(testConfig(prod), { database }).catch((e) => e);
      expect(refused).toBeInstanceOf(ConfigError);
      expect(refused.variable).toBe('TOKEN_SIGNING_KEY');
      expect(await database.db.select().from(platformSettings)).toEqual([]);

      const pem = newKeyPair().privateKeyPem;
      const app = await buildApp(testConfig({ ...prod, TOKEN_SIGNING_KEY: pem }), { database });
      await bootstrap(app);
      try {
        expect((await newTenant(app)).clientId).toMatch(/^cli_/);
        // Configured, so never stored.
        expect(await database.db.select().from(platformSettings)).toEqual([]);
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
  });

  it('the keys CLI reports and rotates on a data directory (npm run keys -- status | rotate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-keys-cli-'));
    dirs.push(dir);
    const app = await buildApp(testConfig({ DATA_DIR: dir, LEDGERLINE_MASTER_KEY: K1 }));
    await app.close();
    const rotated = (await keysCommand('rotate', { DATA_DIR: dir, LEDGERLINE_MASTER_KEY: K2, LEDGERLINE_PREVIOUS_MASTER_KEYS: K1 })) as any;
    expect([rotated.master_key_id, rotated.rewrapped]).toEqual([masterKeyId(key(K2)), 2]);
    const status = (await keysCommand('status', { DATA_DIR: dir, LEDGERLINE_MASTER_KEY: K2 })) as any;
    expect(status.keys.map((k: any) => k.current)).toEqual([true, true]);
    await expect(keysCommand('status', { DATA_DIR: dir, LEDGERLINE_MASTER_KEY: K1 })).rejects.toBeInstanceOf(ConfigError);
  }, 180_000);
});
