/** Signed requests (CONTRACT §8): `<x-timestamp><METHOD><path?query><raw body>`, Ed25519. */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, operatorApi, type Tenant } from '../helpers.js';
import { balances, createTransfer, expectError, fundedAccount, ok, USD, verifyLedger } from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

const now = () => Math.floor(Date.now() / 1000);
function signed(key: KeyObject, method: string, url: string, body = '', ts = now(), encoding: 'hex' | 'base64' = 'hex') {
  const signature = sign(null, Buffer.from(`${ts}${method}${url}${body}`), key).toString(encoding);
  return { 'x-signature': signature, 'x-timestamp': String(ts) };
}

interface Ctx {
  t: Tenant;
  key: KeyObject;
  source: string;
  destination: string;
}

/** A tenant with a registered key, signing_required as asked, and a funded source account. */
async function setup(signingRequired = true): Promise<Ctx> {
  const app = await getApp();
  const t = await newTenant(app);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  await ok(t.api.post('/v1/signing-keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }) }));
  if (signingRequired) {
    const patched = await ok((await operatorApi(app)).patch(`/v1/admin/clients/${t.clientId}`, { signing_required: true }));
    expect(patched.signing_required).toBe(true);
  }
  return { t, key: privateKey, source: (await fundedAccount(t, USD, '100')).id, destination: (await fundedAccount(t, USD)).id };
}

const transfer = (c: Ctx, amount = 1) => createTransfer(c.t, c.source, c.destination, amount);
const acceptUrl = (id: string, prefix = '/v1') => `${prefix}/transfers/${id}/accept`;
const status = async (c: Ctx, id: string) => (await ok(c.t.api.get(`/v1/transfers/${id}`))).status;

describe('signed accepts when the client has signing_required', () => {
  it('unsigned is 401 SIGNATURE_REQUIRED; hex and base64 signatures are accepted', async () => {
    const c = await setup();
    const id = await transfer(c);
    expectError(await c.t.api.post(acceptUrl(id)), 401, 'SIGNATURE_REQUIRED', 'x-signature');
    expect(await status(c, id)).toBe('REQUESTED');
    expect((await ok(c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'POST', acceptUrl(id))))).status).toBe('EXECUTED');
    const other = await transfer(c, 2);
    const b64 = signed(c.key, 'POST', acceptUrl(other), '', now(), 'base64');
    expect((await ok(c.t.api.post(acceptUrl(other), undefined, b64))).status).toBe('EXECUTED');
    expect(await balances(c.t.api, c.destination)).toEqual({ current: '3', available: '3' });
  });

  it('a body of {} or an empty JSON body is signed as sent', async () => {
    const c = await setup();
    const json = { 'content-type': 'application/json' };
    const a = await transfer(c);
    await ok(c.t.api.post(acceptUrl(a), '{}', { ...json, ...signed(c.key, 'POST', acceptUrl(a), '{}') }));
    const b = await transfer(c);
    await ok(c.t.api.post(acceptUrl(b), '', { ...json, ...signed(c.key, 'POST', acceptUrl(b), '') }));
    const tampered = await transfer(c);
    expectError(
      await c.t.api.post(acceptUrl(tampered), '{}', { ...json, ...signed(c.key, 'POST', acceptUrl(tampered), '') }),
      401,
      'SIGNATURE_INVALID',
    );
    expect(await status(c, tampered)).toBe('REQUESTED');
  });

  it('a wrong key, another path, or a malformed signature is 401 SIGNATURE_INVALID', async () => {
    const c = await setup();
    const id = await transfer(c);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expectError(await c.t.api.post(acceptUrl(id), undefined, signed(stranger, 'POST', acceptUrl(id))), 401, 'SIGNATURE_INVALID');
    const elsewhere = await transfer(c);
    expectError(await c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'POST', acceptUrl(elsewhere))), 401, 'SIGNATURE_INVALID');
    expectError(await c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'GET', acceptUrl(id))), 401, 'SIGNATURE_INVALID');
    expectError(
      await c.t.api.post(acceptUrl(id), undefined, { 'x-signature': 'abc', 'x-timestamp': String(now()) }),
      401,
      'SIGNATURE_INVALID',
    );
    const { 'x-signature': sig } = signed(c.key, 'POST', acceptUrl(id));
    expectError(await c.t.api.post(acceptUrl(id), undefined, { 'x-signature': sig }), 401, 'SIGNATURE_INVALID', 'x-timestamp');
    expect([await status(c, id), await status(c, elsewhere)]).toEqual(['REQUESTED', 'REQUESTED']);
  });

  it('a timestamp more than 300 s off is 400 TIMESTAMP_OUT_OF_WINDOW; 290 s off is fine', async () => {
    const c = await setup();
    const id = await transfer(c);
    for (const skew of [-301, 301, -100_000]) {
      const res = await c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'POST', acceptUrl(id), '', now() + skew));
      expectError(res, 400, 'TIMESTAMP_OUT_OF_WINDOW', 'x-timestamp');
    }
    expect(await status(c, id)).toBe('REQUESTED');
    await ok(c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'POST', acceptUrl(id), '', now() - 290)));
  });

  it('a signature is accepted once: the replay is 401 SIGNATURE_INVALID', async () => {
    const c = await setup();
    const id = await transfer(c);
    const headers = signed(c.key, 'POST', acceptUrl(id));
    await ok(c.t.api.post(acceptUrl(id), undefined, headers));
    expectError(await c.t.api.post(acceptUrl(id), undefined, headers), 401, 'SIGNATURE_INVALID');
    expect(await balances(c.t.api, c.source)).toEqual({ current: '99', available: '99' });
  });

  it('a byte-identical signed retry with its idempotency key gets the stored response; the signature alone still cannot act twice', async () => {
    const c = await setup();
    const id = await transfer(c);
    const headers = { ...signed(c.key, 'POST', acceptUrl(id)), 'x-l2f-idempotency-id': `retry-${id}` };
    const original = await c.t.api.post(acceptUrl(id), undefined, headers);
    expect(original.status).toBe(200);
    const retry = await c.t.api.post(acceptUrl(id), undefined, headers);
    expect([retry.status, retry.headers['x-l2f-idempotent-replay'], retry.raw]).toEqual([200, 'true', original.raw]);
    // The same signature under another idempotency key (a new request) is refused.
    expectError(
      await c.t.api.post(acceptUrl(id), undefined, { ...headers, 'x-l2f-idempotency-id': `other-${id}` }),
      401,
      'SIGNATURE_INVALID',
    );
    expect(await balances(c.t.api, c.source)).toEqual({ current: '99', available: '99' });
  });

  it('through /api/v1 the signed path is the /api path', async () => {
    const c = await setup();
    const id = await transfer(c);
    const apiUrl = acceptUrl(id, '/api/v1');
    expectError(await c.t.api.post(apiUrl, undefined, signed(c.key, 'POST', acceptUrl(id))), 401, 'SIGNATURE_INVALID');
    expect((await ok(c.t.api.post(apiUrl, undefined, signed(c.key, 'POST', apiUrl)))).status).toBe('EXECUTED');
  });

  it('a deleted key no longer verifies', async () => {
    const c = await setup();
    const [key] = (await ok(c.t.api.get('/v1/signing-keys'))).signing_keys;
    const id = await transfer(c);
    await ok(c.t.api.delete(`/v1/signing-keys/${key.id}`));
    expectError(await c.t.api.post(acceptUrl(id), undefined, signed(c.key, 'POST', acceptUrl(id))), 401, 'SIGNATURE_INVALID');
    expect(await status(c, id)).toBe('REQUESTED');
  });

  it('a refused unsigned request does not reserve its idempotency key', async () => {
    const c = await setup();
    const id = await transfer(c);
    const key = { 'x-l2f-idempotency-id': `sig-${id}` };
    expectError(await c.t.api.post(acceptUrl(id), undefined, key), 401, 'SIGNATURE_REQUIRED');
    const res = await c.t.api.post(acceptUrl(id), undefined, { ...key, ...signed(c.key, 'POST', acceptUrl(id)) });
    expect([res.status, res.headers['x-l2f-idempotent-replay']]).toEqual([200, undefined]);
  });

  it('the operator acting for the client needs no signature', async () => {
    const c = await setup();
    const id = await transfer(c);
    expect((await ok(c.t.operator.post(acceptUrl(id)))).status).toBe('EXECUTED');
  });
});

describe('signatures where they are not required', () => {
  it('are still verified on any route (transfer create): bad is 401, good passes', async () => {
    const c = await setup(false);
    const body = JSON.stringify({ source_account_id: c.source, destination_account_id: c.destination, amount: 1 });
    const json = { 'content-type': 'application/json' };
    const bad = await c.t.api.post('/v1/transfers', body, { ...json, ...signed(c.key, 'POST', '/v1/transfers', `${body} `) });
    expectError(bad, 401, 'SIGNATURE_INVALID');
    expect((await ok(c.t.api.get('/v1/transfers'))).transfers).toEqual([]);
    await ok(c.t.api.post('/v1/transfers', body, { ...json, ...signed(c.key, 'POST', '/v1/transfers', body) }));
    expect((await ok(c.t.api.get('/v1/transfers'))).transfers).toHaveLength(1);
  });

  it('cover the query string exactly as received (GET /v1/transfers?status=…)', async () => {
    const c = await setup(false);
    const url = '/v1/transfers?status=REQUESTED&page_size=5';
    expectError(await c.t.api.get(url, signed(c.key, 'GET', '/v1/transfers')), 401, 'SIGNATURE_INVALID');
    expect((await c.t.api.get(url, signed(c.key, 'GET', url))).status).toBe(200);
  });

  it('with signing_required false an unsigned accept works; a bad signature on it is still refused', async () => {
    const c = await setup(false);
    const id = await transfer(c);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    expectError(await c.t.api.post(acceptUrl(id), undefined, signed(stranger, 'POST', acceptUrl(id))), 401, 'SIGNATURE_INVALID');
    expect((await ok(c.t.api.post(acceptUrl(id)))).status).toBe('EXECUTED');
  });

  it('turning signing_required off again lets unsigned accepts through', async () => {
    const c = await setup(true);
    const id = await transfer(c);
    expectError(await c.t.api.post(acceptUrl(id)), 401, 'SIGNATURE_REQUIRED');
    await ok((await operatorApi(await getApp())).patch(`/v1/admin/clients/${c.t.clientId}`, { signing_required: false }));
    expect((await ok(c.t.api.post(acceptUrl(id)))).status).toBe('EXECUTED');
  });
});
