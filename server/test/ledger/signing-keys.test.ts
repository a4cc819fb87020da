/** POST/GET/DELETE /v1/signing-keys (CONTRACT §8). */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Api, getApp, newTenant, tokenFor } from '../helpers.js';
import { expectError, ok } from './_fixtures.js';

const keyPair = () => generateKeyPairSync('ed25519');
const rawHex = (k: ReturnType<typeof keyPair>) => k.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});

describe('signing keys', () => {
  it('registers raw hex, PEM SPKI and DER SPKI hex keys, all stored as raw hex', async () => {
    const t = await newTenant(await getApp());
    const [k1, k2, k3] = [keyPair(), keyPair(), keyPair()];
    const raw = await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(k1) }));
    expect(raw).toEqual({ id: expect.stringMatching(/^key_/), public_key: rawHex(k1), created_at: expect.any(String) });
    const pem = await ok(t.api.post('/v1/signing-keys', { public_key: k2.publicKey.export({ format: 'pem', type: 'spki' }) }));
    expect(pem.public_key).toBe(rawHex(k2));
    const derHex = k3.publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
    expect(derHex).toHaveLength(88);
    const der = await ok(t.api.post('/v1/signing-keys', { public_key: derHex.toUpperCase() }));
    expect(der.public_key).toBe(rawHex(k3));
    const list = await ok(t.api.get('/v1/signing-keys'));
    expect(list.signing_keys).toEqual([raw, pem, der]);
  });

  it('refuses what is not an Ed25519 public key (VALIDATION_ERROR on public_key)', async () => {
    const t = await newTenant(await getApp());
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' });
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).toString('hex');
    for (const bad of [
      'abc',
      'zz'.repeat(32),
      'ab'.repeat(31),
      rsa,
      x25519,
      '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----',
    ]) {
      expectError(await t.api.post('/v1/signing-keys', { public_key: bad }), 400, 'VALIDATION_ERROR', 'public_key');
    }
    expect((await t.api.post('/v1/signing-keys', {})).status).toBe(400);
    expect((await ok(t.api.get('/v1/signing-keys'))).signing_keys).toEqual([]);
  });

  it('refuses 32 bytes no signer can hold: points of small order, non-canonical or off the curve', async () => {
    const t = await newTenant(await getApp());
    const identity = `01${'00'.repeat(31)}`;
    const smallOrder = [
      identity, // order 1
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
      `ec${'ff'.repeat(30)}7f`, // y = p - 1: order 2
      `ed${'ff'.repeat(30)}7f`, // y = p: a non-canonical encoding of 0
      `02${'00'.repeat(31)}`, // y = 2: off the curve
    ];
    for (const bad of [...smallOrder, `302a300506032b6570032100${identity}`]) {
      expectError(await t.api.post('/v1/signing-keys', { public_key: bad }), 400, 'VALIDATION_ERROR', 'public_key');
    }
    expect((await ok(t.api.get('/v1/signing-keys'))).signing_keys).toEqual([]);
    // Any key a signer makes still registers.
    const k = keyPair();
    expect((await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(k) }))).public_key).toBe(rawHex(k));
  });

  it('a key registered twice (in any format) is 409 DUPLICATE_ID; another client may register it', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const k = keyPair();
    await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(k) }));
    expectError(await t.api.post('/v1/signing-keys', { public_key: rawHex(k) }), 409, 'DUPLICATE_ID', 'public_key');
    const pem = k.publicKey.export({ format: 'pem', type: 'spki' });
    expectError(await t.api.post('/v1/signing-keys', { public_key: pem }), 409, 'DUPLICATE_ID');
    expect((await ok(other.api.post('/v1/signing-keys', { public_key: rawHex(k) }))).public_key).toBe(rawHex(k));
    expect((await ok(t.api.get('/v1/signing-keys'))).signing_keys).toHaveLength(1);
  });

  it('deletes a key: gone from the list, 404 the second time and for another client; re-registrable', async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const k = keyPair();
    const key = await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(k) }));
    expectError(await other.api.delete(`/v1/signing-keys/${key.id}`), 404, 'NOT_FOUND');
    expect((await ok(other.api.get('/v1/signing-keys'))).signing_keys).toEqual([]);
    expect(await ok(t.api.delete(`/v1/signing-keys/${key.id}`))).toEqual({ id: key.id });
    expect((await ok(t.api.get('/v1/signing-keys'))).signing_keys).toEqual([]);
    expectError(await t.api.delete(`/v1/signing-keys/${key.id}`), 404, 'NOT_FOUND');
    const again = await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(k) }));
    expect(again.id).not.toBe(key.id);
  });

  it('needs accounts:write to register or revoke a key and accounts:read to list them: another scope is 403', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const key = await ok(t.api.post('/v1/signing-keys', { public_key: rawHex(keyPair()) }));
    const readOnly = await newTenant(app, { tokenScope: 'customers:read accounts:read' });
    expectError(await readOnly.api.post('/v1/signing-keys', { public_key: rawHex(keyPair()) }), 403, 'INSUFFICIENT_SCOPE');
    expect((await ok(readOnly.api.get('/v1/signing-keys'))).signing_keys).toEqual([]);
    const own = await ok(t.api.get('/v1/signing-keys'));
    expect(own.signing_keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
    // The same client, a token without the scopes: refused, nothing changed.
    const narrow = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:read'));
    expectError(await narrow.post('/v1/signing-keys', { public_key: rawHex(keyPair()) }), 403, 'INSUFFICIENT_SCOPE');
    expectError(await narrow.delete(`/v1/signing-keys/${key.id}`), 403, 'INSUFFICIENT_SCOPE');
    expectError(await narrow.get('/v1/signing-keys'), 403, 'INSUFFICIENT_SCOPE');
    expect((await ok(t.api.get('/v1/signing-keys'))).signing_keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
  });

  it('needs a token: no token is 401', async () => {
    const app = await getApp();
    const res = await app.inject({ method: 'GET', url: '/v1/signing-keys' });
    expect(res.statusCode).toBe(401);
  });
});
