import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Api, getApp, makeApp, newTenant, type Response, tokenFor } from '../helpers.js';
import { balances, createTransfer, expectError, fundedAccount, type ManualClock, manualClock, ok, USD, verifyLedger } from './_fixtures.js';

// Boot the worker's app (and its database) outside any test's time budget.
beforeAll(async () => {
  await getApp();
});
afterEach(async () => verifyLedger(await getApp()));

describe('transfer expiry (controllable clock)', () => {
  let clock: ManualClock;
  let app: FastifyInstance;
  beforeAll(async () => {
    clock = manualClock();
    app = await makeApp({ TOKEN_TTL_SECONDS: '86400' }, { clock });
  });
  afterAll(async () => app.close());

  it('accept at valid_until works; after it is 400 EXPIRED and the transfer reads EXPIRED', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const onTime = await createTransfer(t, source, destination, 1);
    const late = await createTransfer(t, source, destination, 2);
    clock.advance(900);
    expect((await ok(t.api.post(`/v1/transfers/${onTime}/accept`))).status).toBe('EXECUTED');
    clock.advance(1);
    expectError(await t.api.post(`/v1/transfers/${late}/accept`), 400, 'EXPIRED');
    const read = await ok(t.api.get(`/v1/transfers/${late}`));
    expect([read.status, read.executed_timestamp]).toEqual(['EXPIRED', undefined]);
    // Once marked EXPIRED it still answers EXPIRED: what a client sees does not depend on when a sweeper ran.
    expectError(await t.api.post(`/v1/transfers/${late}/accept`), 400, 'EXPIRED');
    expectError(await t.api.post(`/v1/transfers/${late}/cancel`), 400, 'EXPIRED');
    expect((await ok(t.api.get('/v1/transfers?status=EXPIRED'))).transfers.map((x: { id: string }) => x.id)).toEqual([late]);
    expect(await balances(t.api, source)).toEqual({ current: '9', available: '9' });
    await verifyLedger(app);
  });

  it('a transfer past valid_until reads as EXPIRED before anyone tries to accept it', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const id = await createTransfer(t, source, destination, 1);
    clock.advance(901);
    expect((await ok(t.api.get(`/v1/transfers/${id}`))).status).toBe('EXPIRED');
    expect((await ok(t.api.get('/v1/transfers?status=REQUESTED'))).transfers).toEqual([]);
    expect((await ok(t.api.get('/v1/transfers?status=EXPIRED'))).transfers.map((x: { id: string }) => x.id)).toEqual([id]);
    // Nothing left to cancel: the same answer as accepting it, and it is now stored EXPIRED.
    expectError(await t.api.post(`/v1/transfers/${id}/cancel`), 400, 'EXPIRED');
    expectError(await t.api.post(`/v1/transfers/${id}/cancel`), 400, 'EXPIRED');
  });
});

describe('GET /v1/transfers', () => {
  it('filters by status and walks every transfer once in both pagination styles, newest first', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await createTransfer(t, source, destination, i + 1));
    await ok(t.api.post(`/v1/transfers/${ids[1]}/accept`));
    await ok(t.api.post(`/v1/transfers/${ids[4]}/accept`));
    await ok(t.api.post(`/v1/transfers/${ids[2]}/cancel`));
    const newest = [...ids].reverse();
    const idsOf = (d: { transfers: { id: string }[] }) => d.transfers.map((x) => x.id);
    expect(idsOf(await ok(t.api.get('/v1/transfers')))).toEqual(newest);
    expect(idsOf(await ok(t.api.get('/v1/transfers?status=EXECUTED')))).toEqual([ids[4], ids[1]]);
    expect(idsOf(await ok(t.api.get('/v1/transfers?status=CANCELLED')))).toEqual([ids[2]]);
    expect(idsOf(await ok(t.api.get('/v1/transfers?status=REQUESTED')))).toEqual([ids[6], ids[5], ids[3], ids[0]]);
    expect((await t.api.get('/v1/transfers?status=DONE')).status).toBe(400);

    const paged: string[] = [];
    for (let page = 0; page < 10; page++) {
      const res = await t.api.get(`/v1/transfers?page=${page}&page_size=3`);
      paged.push(...idsOf(res.body.data));
      if (!res.body.pagination.has_more) break;
      expect(res.body.links.next).toBe(`/v1/transfers?page=${page + 1}&page_size=3`);
    }
    expect(paged).toEqual(newest);

    const walked: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const res: Response = await t.api.get(`/v1/transfers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...idsOf(res.body.data));
      cursor = res.body.pagination.next_cursor;
      if (!cursor) break;
    }
    expect(walked).toEqual(newest);
    expect(await balances(t.api, destination)).toEqual({ current: '7', available: '7' });
  });
});

describe('transfers: isolation, scopes, idempotency', () => {
  it("another tenant's transfer is 404 to GET, accept and cancel, and absent from its list", async () => {
    const app = await getApp();
    const [t, other] = [await newTenant(app), await newTenant(app)];
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const id = await createTransfer(t, source, destination, 1);
    expectError(await other.api.get(`/v1/transfers/${id}`), 404, 'NOT_FOUND');
    expectError(await other.api.post(`/v1/transfers/${id}/accept`), 404, 'NOT_FOUND');
    expectError(await other.api.post(`/v1/transfers/${id}/cancel`), 404, 'NOT_FOUND');
    expectError(await other.operator.post(`/v1/transfers/${id}/accept`), 404, 'NOT_FOUND');
    expect((await ok(other.api.get('/v1/transfers'))).transfers).toEqual([]);
    expect((await ok(t.api.get(`/v1/transfers/${id}`))).status).toBe('REQUESTED');
    expect(await balances(t.api, source)).toEqual({ current: '10', available: '10' });
    // The operator acting for the owner may accept.
    expect((await ok(t.operator.post(`/v1/transfers/${id}/accept`))).status).toBe('EXECUTED');
  });

  it('a transfers:read token reads but cannot create, accept or cancel (403 INSUFFICIENT_SCOPE)', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const id = await createTransfer(t, source, destination, 1);
    const reader = new Api(app, await tokenFor(app, t.clientId, t.secret, 'transfers:read'));
    expect((await ok(reader.get(`/v1/transfers/${id}`))).id).toBe(id);
    expect((await ok(reader.get('/v1/transfers'))).transfers).toHaveLength(1);
    const body = { source_account_id: source, destination_account_id: destination, amount: 1 };
    expectError(await reader.post('/v1/transfers', body), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`/v1/transfers/${id}/accept`), 403, 'INSUFFICIENT_SCOPE');
    expectError(await reader.post(`/v1/transfers/${id}/cancel`), 403, 'INSUFFICIENT_SCOPE');
    const noRead = new Api(app, await tokenFor(app, t.clientId, t.secret, 'accounts:read'));
    expectError(await noRead.get('/v1/transfers'), 403, 'INSUFFICIENT_SCOPE');
    expect((await ok(t.api.get(`/v1/transfers/${id}`))).status).toBe('REQUESTED');
  });

  it('create and accept are idempotent: the replay is byte-identical and runs nothing twice', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const body = { source_account_id: source, destination_account_id: destination, amount: 2.5 };
    const key = { 'x-l2f-idempotency-id': `trf-${source}` };
    const first = await t.api.post('/v1/transfers', body, key);
    const again = await t.api.post('/v1/transfers', body, key);
    expect(first.status).toBe(200);
    expect([again.status, again.raw, again.headers['x-l2f-idempotent-replay']]).toEqual([200, first.raw, 'true']);
    expectError(await t.api.post('/v1/transfers', { ...body, amount: 3 }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await ok(t.api.get('/v1/transfers'))).transfers.map((x: { id: string }) => x.id)).toEqual([first.body.data.id]);

    const acceptKey = { 'x-l2f-idempotency-id': `acc-${source}` };
    const accepted = await t.api.post(`/v1/transfers/${first.body.data.id}/accept`, undefined, acceptKey);
    const replayed = await t.api.post(`/v1/transfers/${first.body.data.id}/accept`, undefined, acceptKey);
    expect([accepted.status, replayed.status, replayed.raw]).toEqual([200, 200, accepted.raw]);
    expect(await balances(t.api, source)).toEqual({ current: '7.5', available: '7.5' });
  });
});

describe('DORMANT accounts and customers', () => {
  it('a transfer from a DORMANT account executes and sets it OPEN again, with a history row', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '10')).id;
    const destination = (await fundedAccount(t, USD)).id;
    await ok(t.operator.patch(`/v1/accounts/deposits/${source}`, { status: 'DORMANT', reason: 'no activity' }));
    await ok(t.api.patch(`/v1/accounts/deposits/${destination}`, { status: 'DORMANT' }));
    const id = await createTransfer(t, source, destination, 4);
    expect((await ok(t.api.post(`/v1/transfers/${id}/accept`))).status).toBe('EXECUTED');
    for (const acc of [source, destination]) {
      expect((await ok(t.api.get(`/v1/accounts/deposits/${acc}`))).status).toBe('OPEN');
      const [last] = (await ok(t.api.get(`/v1/accounts/deposits/${acc}/history`))).history;
      expect([last.field, last.before, last.after, last.reason]).toEqual(['status', 'DORMANT', 'OPEN', 'activity on a dormant account']);
    }
    expect(await balances(t.api, source)).toEqual({ current: '6', available: '6' });
  });

  it('a transfer through an OPEN account of a DORMANT customer sets the customer ACTIVE', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    const { id: source, customerId } = await fundedAccount(t, USD, '10');
    const destination = (await fundedAccount(t, USD)).id;
    await ok(t.api.patch(`/v1/customers/${customerId}`, { status: 'DORMANT' }));
    await ok(t.api.post(`/v1/transfers/${await createTransfer(t, source, destination, 1)}/accept`));
    expect((await ok(t.api.get(`/v1/customers/${customerId}`))).status).toBe('ACTIVE');
  });
});
