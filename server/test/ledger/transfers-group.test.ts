/**
 * Group commit (issue 9): concurrent creates and accepts of one caller share one transaction
 * (platform/unit-of-work.ts `coalesce`, transfer_accept_many). Each request must still get exactly
 * the answer it would get alone — its result or its own refusal, its own stored response under its
 * own key, replayed byte for byte — and a refused member must write nothing.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant, operatorApi, type Response, setClockOffset, type Tenant } from '../helpers.js';
import { balances, createTransfer, expectError, fundedAccount, ok, transactionEvents, USD, verifyLedger } from './_fixtures.js';

beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

/** This process's group commits so far for a route: [transactions, requests they carried]. */
async function groups(app: FastifyInstance, route: string): Promise<[number, number]> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const read = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}{route="${route}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  return [read('ledgerline_group_commits_total'), read('ledgerline_grouped_requests_total')];
}
const ACCEPT = 'POST /v1/transfers/:transfer_id/accept';
const CREATE = 'POST /v1/transfers';

const acceptUrl = (id: string) => `/v1/transfers/${id}/accept`;
const keyed = (key: string) => ({ 'x-l2f-idempotency-id': key });
const codeOf = (res: Response) => (res.status === 200 ? 'OK' : (res.body.errors?.[0]?.code as string));

describe('group commit of concurrent accepts', () => {
  it('40 concurrent accepts with funds for 25: 25 execute, 15 are refused, and every key replays its own answer', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '25')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await createTransfer(t, source, destination, 1));
    const before = await groups(app, ACCEPT);

    const answers = await Promise.all(ids.map((id, i) => t.api.post(acceptUrl(id), undefined, keyed(`grp-acc-${t.clientId}-${i}`))));

    const codes = answers.map(codeOf);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(25);
    expect(codes.filter((c) => c === 'INSUFFICIENT_FUNDS')).toHaveLength(15);
    for (const res of answers.filter((r) => r.status !== 200)) expectError(res, 400, 'INSUFFICIENT_FUNDS');
    // They did share transactions: fewer commits than requests.
    const after = await groups(app, ACCEPT);
    expect(after[1] - before[1]).toBe(40);
    expect(after[0] - before[0]).toBeLessThan(40);

    expect(await balances(t.api, source)).toEqual({ current: '0', available: '0' });
    expect(await balances(t.api, destination)).toEqual({ current: '25', available: '25' });
    const statuses = await Promise.all(ids.map(async (id) => (await ok(t.api.get(`/v1/transfers/${id}`))).status));
    expect(statuses.filter((s) => s === 'EXECUTED')).toHaveLength(25);
    expect(statuses.filter((s) => s === 'REQUESTED')).toHaveLength(15);
    // Executed exactly where the answer said so, two TRANSACTION_POSTED events each.
    ids.forEach((_, i) => {
      expect(statuses[i]).toBe(codes[i] === 'OK' ? 'EXECUTED' : 'REQUESTED');
    });
    const posted = (await transactionEvents(app, t.clientId)).filter((e) => e.data.transaction.category_type === 'TRANSFER');
    expect(posted).toHaveLength(50);
    expect(new Set(posted.map((e) => e.data.transaction.category_id))).toEqual(new Set(ids.filter((_, i) => codes[i] === 'OK')));

    // Each key replays its own stored answer, byte for byte, and nothing moves again.
    const replays = await Promise.all(ids.map((id, i) => t.api.post(acceptUrl(id), undefined, keyed(`grp-acc-${t.clientId}-${i}`))));
    replays.forEach((res, i) => {
      expect([res.status, res.raw, res.headers['x-l2f-idempotent-replay']]).toEqual([answers[i]?.status, answers[i]?.raw, 'true']);
    });
    expect(await balances(t.api, destination)).toEqual({ current: '25', available: '25' });
  });

  it('one group, every kind of answer: executed, not found, already executed, expired, not transactable', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const frozen = (await fundedAccount(t, USD, '100')).id;
    // Made first, then the tenant's clock moves past its validity (900 s): it alone is out of date.
    const late = await createTransfer(t, source, destination, 20);
    await setClockOffset(app, t.clientId, 16 * 60 * 1000);
    const good = await Promise.all([1, 2, 3, 4, 5].map((n) => createTransfer(t, source, destination, n)));
    const done = await createTransfer(t, source, destination, 10);
    await ok(t.api.post(acceptUrl(done)));
    const blocked = await createTransfer(t, frozen, destination, 7);
    await ok(t.api.patch(`/v1/accounts/deposits/${frozen}`, { status: 'FROZEN' }));
    const fresh = await Promise.all([6, 7].map((n) => createTransfer(t, source, destination, n)));

    const targets = [...good, 'trf_does-not-exist', done, blocked, late, ...fresh];
    const answers = await Promise.all(targets.map((id) => t.api.post(acceptUrl(id))));
    expect(answers.map(codeOf)).toEqual([
      'OK',
      'OK',
      'OK',
      'OK',
      'OK',
      'NOT_FOUND',
      'INVALID_STATUS_TRANSITION',
      'NOT_TRANSACTABLE',
      'EXPIRED',
      'OK',
      'OK',
    ]);
    // The expired one stands as EXPIRED (a refusal that keeps its change); the rest moved 1+…+7 = 28 once.
    expect((await ok(t.api.get(`/v1/transfers/${late}`))).status).toBe('EXPIRED');
    expect((await ok(t.api.get(`/v1/transfers/${blocked}`))).status).toBe('REQUESTED');
    expect(await balances(t.api, destination)).toEqual({ current: '38', available: '38' });
    expect(await balances(t.api, source)).toEqual({ current: '62', available: '62' });
    expect(await balances(t.api, frozen)).toEqual({ current: '100', available: '100' });
  });

  it('in one group the posting runs only for members whose key is free: a key used before for another transfer moves nothing', async () => {
    // The group's posting travels with its claim in one statement (coalesce.opening): the SQL itself
    // must skip the members the claim refuses, before Node sees the claim.
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const first = await Promise.all([1, 2, 3, 4].map((n) => createTransfer(t, source, destination, n)));
    for (const [i, id] of first.entries()) await ok(t.api.post(acceptUrl(id), undefined, keyed(`${t.clientId}-used-${i}`)));
    const second = await Promise.all([5, 6, 7, 8].map((n) => createTransfer(t, source, destination, n)));
    const fresh = await Promise.all([9, 10, 11].map((n) => createTransfer(t, source, destination, n)));
    const before = await groups(app, ACCEPT);

    const answers = await Promise.all([
      // The used keys, each now sent for another (REQUESTED) transfer: 422, and that transfer must not execute.
      ...second.map((id, i) => t.api.post(acceptUrl(id), undefined, keyed(`${t.clientId}-used-${i}`))),
      // The used keys replayed for their own transfer: their stored answers, nothing runs again.
      ...first.slice(0, 2).map((id, i) => t.api.post(acceptUrl(id), undefined, keyed(`${t.clientId}-used-${i}`))),
      ...fresh.map((id, i) => t.api.post(acceptUrl(id), undefined, keyed(`${t.clientId}-fresh-${i}`))),
    ]);
    expect(answers.map((r) => r.status)).toEqual([422, 422, 422, 422, 200, 200, 200, 200, 200]);
    for (const r of answers.slice(0, 4)) expectError(r, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(answers.slice(4, 6).map((r) => r.headers['x-l2f-idempotent-replay'])).toEqual(['true', 'true']);
    expect(answers.slice(4, 6).map((r) => r.body.data.id)).toEqual(first.slice(0, 2));
    expect((await groups(app, ACCEPT))[1] - before[1]).toBe(9);
    expect((await groups(app, ACCEPT))[0] - before[0]).toBeLessThan(9);

    const status = async (id: string) => (await ok(t.api.get(`/v1/transfers/${id}`))).status;
    expect(await Promise.all(second.map(status))).toEqual(['REQUESTED', 'REQUESTED', 'REQUESTED', 'REQUESTED']);
    expect(await Promise.all(fresh.map(status))).toEqual(['EXECUTED', 'EXECUTED', 'EXECUTED']);
    // 1+2+3+4 before, 9+10+11 now; the 5..8 never moved.
    expect(await balances(t.api, destination)).toEqual({ current: '40', available: '40' });
  });

  it('the same transfer accepted concurrently under two keys executes once; the same key twice runs once', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const id = await createTransfer(t, source, destination, 4);
    const two = await Promise.all(['k1', 'k2'].map((k) => t.api.post(acceptUrl(id), undefined, keyed(`${t.clientId}-${k}`))));
    expect(two.map(codeOf).sort()).toEqual(['INVALID_STATUS_TRANSITION', 'OK']);

    const other = await createTransfer(t, source, destination, 3);
    const same = await Promise.all([1, 2, 3].map(() => t.api.post(acceptUrl(other), undefined, keyed(`${t.clientId}-same`))));
    // One ran; the others either waited for its answer (a replay) or found it running (409).
    const ran = same.filter((r) => r.status === 200 && r.headers['x-l2f-idempotent-replay'] === undefined);
    expect(ran).toHaveLength(1);
    for (const r of same.filter((x) => x !== ran[0])) {
      if (r.status === 200) expect([r.raw, r.headers['x-l2f-idempotent-replay']]).toEqual([ran[0]?.raw, 'true']);
      else expectError(r, 409, 'IDEMPOTENCY_IN_PROGRESS');
    }
    expect(await balances(t.api, destination)).toEqual({ current: '7', available: '7' });
  });
});

describe('group commit of concurrent signed accepts (signing_required)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (key: KeyObject, url: string, ts = now()) => {
    return { 'x-signature': sign(null, Buffer.from(`${ts}POST${url}`), key).toString('hex'), 'x-timestamp': String(ts) };
  };

  it('each signature is used once: a signed accept sent twice under two keys is refused the second time', async () => {
    const app = await getApp();
    const t: Tenant = await newTenant(app);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    await ok(t.api.post('/v1/signing-keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }) }));
    await ok((await operatorApi(app)).patch(`/v1/admin/clients/${t.clientId}`, { signing_required: true }));
    const source = (await fundedAccount(t, USD, '100')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids = await Promise.all(Array.from({ length: 12 }, () => createTransfer(t, source, destination, 2)));
    const before = await groups(app, ACCEPT);
    const answers = await Promise.all(
      ids.map((id, i) => t.api.post(acceptUrl(id), undefined, { ...signed(privateKey, acceptUrl(id)), ...keyed(`${t.clientId}-s${i}`) })),
    );
    expect(answers.map(codeOf)).toEqual(ids.map(() => 'OK'));
    expect((await groups(app, ACCEPT))[0] - before[0]).toBeLessThan(12);

    // One signature, two keys, concurrently: one runs, the other finds the signature used.
    const id = await createTransfer(t, source, destination, 5);
    const ts = now();
    const headers = signed(privateKey, acceptUrl(id), ts);
    const twice = await Promise.all(
      ['a', 'b'].map((k) => t.api.post(acceptUrl(id), undefined, { ...headers, ...keyed(`${t.clientId}-${k}`) })),
    );
    expect(twice.map(codeOf).sort()).toEqual(['OK', 'SIGNATURE_INVALID']);
    expectError(twice.find((r) => r.status !== 200) as Response, 401, 'SIGNATURE_INVALID', 'x-signature');
    // The refused one stored nothing: its key is free for a freshly signed request (which finds the transfer EXECUTED).
    const refusedKey = twice[0]?.status === 200 ? 'b' : 'a';
    // Another timestamp than the first signature's (signatures are deterministic: the same one
    // would be the used one, as now() - 1 was whenever a second had passed in between).
    const again = await t.api.post(acceptUrl(id), undefined, {
      ...signed(privateKey, acceptUrl(id), ts - 1),
      ...keyed(`${t.clientId}-${refusedKey}`),
    });
    expectError(again, 400, 'INVALID_STATUS_TRANSITION');
    expect(await balances(t.api, destination)).toEqual({ current: '29', available: '29' });
  });
});

describe('group commit of concurrent creates', () => {
  it('30 concurrent creates, some refused: each answers its own, keys replay, refused ones wrote nothing', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const bodies = Array.from({ length: 30 }, (_, i) => ({
      source_account_id: source,
      destination_account_id: i % 10 === 3 ? 'acc-missing' : destination,
      amount: i % 10 === 7 ? '1.001' : `${i + 1}`,
      description: `group ${i}`,
    }));
    const before = await groups(app, CREATE);
    const answers = await Promise.all(bodies.map((b, i) => t.api.post('/v1/transfers', b, keyed(`${t.clientId}-c${i}`))));
    bodies.forEach((b, i) => {
      const res = answers[i] as Response;
      if (i % 10 === 3) expectError(res, 404, 'NOT_FOUND', 'destination_account_id');
      else if (i % 10 === 7) expectError(res, 400, 'AMOUNT_PRECISION', 'amount');
      else {
        expect(res.status, res.raw).toBe(200);
        expect([res.body.data.status, res.body.data.description, res.body.data.source_details.amount_to_debit]).toEqual([
          'REQUESTED',
          b.description,
          i + 1,
        ]);
      }
    });
    const after = await groups(app, CREATE);
    expect(after[1] - before[1]).toBe(30);
    expect(after[0] - before[0]).toBeLessThan(30);
    const listed = (await ok(t.api.get('/v1/transfers?page_size=100'))).transfers as { id: string }[];
    const made = answers.filter((r) => r.status === 200).map((r) => r.body.data.id as string);
    expect(made).toHaveLength(24);
    expect(listed.map((x) => x.id).sort()).toEqual([...made].sort());
    // Every key replays its answer byte for byte (the refusals too); nothing new is created.
    const replays = await Promise.all(bodies.map((b, i) => t.api.post('/v1/transfers', b, keyed(`${t.clientId}-c${i}`))));
    replays.forEach((res, i) => {
      expect([res.status, res.raw]).toEqual([answers[i]?.status, answers[i]?.raw]);
    });
    expect((await ok(t.api.get('/v1/transfers?page_size=100'))).transfers).toHaveLength(24);
    // A key reused for another body is 422, alone or in a group.
    const reused = await Promise.all(
      [0, 1].map((i) => t.api.post('/v1/transfers', { ...bodies[i], description: 'other' }, keyed(`${t.clientId}-c${i}`))),
    );
    for (const r of reused) expectError(r, 422, 'IDEMPOTENCY_KEY_REUSED');
  });
});
