import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { clients } from '../../src/db/schema.js';
import { TENANT_SCOPES } from '../../src/shared/scopes.js';
import { type Api, getApp, individualBody, newTenant, OPERATOR, operatorApi, tokenFor, uid } from '../helpers.js';

let app: FastifyInstance;
let op: Api;
beforeAll(async () => {
  app = await getApp();
  op = await operatorApi(app);
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('/v1/admin/clients', () => {
  it('POST creates a client with defaults and shows its secret once', async () => {
    const res = await op.post('/v1/admin/clients', { name: 'Fintech One' });
    expect(res.status).toBe(200);
    const c = res.body.data;
    expect(Object.keys(c)).toEqual(
      expect.arrayContaining(['client_id', 'client_secret', 'created_at', 'name', 'regulated', 'scopes', 'signing_required', 'updated_at']),
    );
    expect(c.client_id).toMatch(/^cli_[0-9a-f-]{36}$/);
    expect(c.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c).toMatchObject({ name: 'Fintech One', regulated: false, signing_required: false, scopes: [...TENANT_SCOPES] });
    expect(c.created_at).toMatch(ISO);
    expect(c.updated_at).toBe(c.created_at);

    const got = await op.get(`/v1/admin/clients/${c.client_id}`);
    expect(got.status).toBe(200);
    const { client_secret: _s, ...view } = c;
    expect(got.body.data).toEqual(view);
    expect(got.raw).not.toContain(c.client_secret);
    expect(got.raw).not.toContain('client_secret');
  });

  it('POST with regulated, scopes and signing_required', async () => {
    const res = await op.post('/v1/admin/clients', {
      name: 'Bank',
      regulated: true,
      scopes: ['customers:read', 'customers:write'],
      signing_required: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      name: 'Bank',
      regulated: true,
      scopes: ['customers:read', 'customers:write'],
      signing_required: true,
    });
  });

  it('the secret is stored as an scrypt hash, never in clear', async () => {
    const t = await newTenant(app);
    const { db } = app.ledgerline.database;
    const [row] = await db.select().from(clients).where(eq(clients.id, t.clientId));
    expect(row?.secretHash.startsWith('scrypt$')).toBe(true);
    expect(row?.secretHash.split('$')).toHaveLength(6);
    expect(row?.secretHash).not.toContain(t.secret);
  });

  it('GET list holds the new clients, without secrets and without the operator', async () => {
    const a = await newTenant(app);
    const b = await newTenant(app);
    const res = await op.get('/v1/admin/clients');
    expect(res.status).toBe(200);
    const ids = (res.body.data.clients as { client_id: string }[]).map((c) => c.client_id);
    expect(ids).toContain(a.clientId);
    expect(ids).toContain(b.clientId);
    expect(ids.indexOf(b.clientId)).toBeLessThan(ids.indexOf(a.clientId)); // newest first
    expect(ids).not.toContain(OPERATOR.id);
    expect(res.raw).not.toContain('client_secret');
    expect(res.raw).not.toContain(a.secret);
  });

  it('PATCH updates name, regulated, scopes and signing_required', async () => {
    const t = await newTenant(app, { regulated: false });
    const res = await op.patch(`/v1/admin/clients/${t.clientId}`, {
      name: 'Renamed',
      regulated: true,
      scopes: ['accounts:read'],
      signing_required: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      client_id: t.clientId,
      name: 'Renamed',
      regulated: true,
      scopes: ['accounts:read'],
      signing_required: true,
    });
    expect(res.body.data.client_secret).toBeUndefined();
    expect((await op.get(`/v1/admin/clients/${t.clientId}`)).body.data).toEqual(res.body.data);
  });

  it('PATCH with an empty body or an unknown field: 400', async () => {
    const t = await newTenant(app);
    const empty = await op.patch(`/v1/admin/clients/${t.clientId}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].code).toBe('VALIDATION_ERROR');
    const unknown = await op.patch(`/v1/admin/clients/${t.clientId}`, { colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ code: 'VALIDATION_ERROR', description: 'colour is not a known field.', field: 'colour' }]);
  });

  it('unknown client id, and the operator itself: 404 NOT_FOUND', async () => {
    for (const id of ['cli_missing', OPERATOR.id]) {
      const got = await op.get(`/v1/admin/clients/${id}`);
      expect(got.status).toBe(404);
      expect(got.body).toEqual({ errors: [{ code: 'NOT_FOUND', description: 'Client not found', field: 'client_id' }] });
      expect((await op.patch(`/v1/admin/clients/${id}`, { name: 'x' })).status).toBe(404);
      expect((await op.post(`/v1/admin/clients/${id}/rotate-secret`)).status).toBe(404);
    }
  });

  it('rotate-secret shows a new secret once; GET never shows it', async () => {
    const t = await newTenant(app);
    const res = await op.post(`/v1/admin/clients/${t.clientId}/rotate-secret`);
    expect(res.status).toBe(200);
    expect(res.body.data.client_id).toBe(t.clientId);
    expect(res.body.data.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.data.client_secret).not.toBe(t.secret);
    const got = await op.get(`/v1/admin/clients/${t.clientId}`);
    expect(got.raw).not.toContain(res.body.data.client_secret);
    expect(await tokenFor(app, t.clientId, res.body.data.client_secret)).toMatch(/^ey/);
  });

  it('an unknown scope in the body: 400 VALIDATION_ERROR', async () => {
    const res = await op.post('/v1/admin/clients', { name: 'x', scopes: ['customers:read', 'teleport:write'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'scopes.1' });
  });

  it('the admin scope cannot be granted to a tenant (create or PATCH): 400', async () => {
    const res = await op.post('/v1/admin/clients', { name: 'x', scopes: ['customers:read', 'admin'] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ code: 'VALIDATION_ERROR', description: 'Unknown or reserved scope "admin".', field: 'scopes' }]);
    const t = await newTenant(app);
    const patched = await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: ['admin'] });
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', field: 'scopes' });
    expect((await op.get(`/v1/admin/clients/${t.clientId}`)).body.data.scopes).toEqual([...TENANT_SCOPES]);
  });

  it('a tenant token on admin routes: 403 INSUFFICIENT_SCOPE', async () => {
    const t = await newTenant(app);
    for (const res of [
      await t.api.get('/v1/admin/clients'),
      await t.api.post('/v1/admin/clients', { name: 'evil' }),
      await t.api.get(`/v1/admin/clients/${t.clientId}`),
      await t.api.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...TENANT_SCOPES] }),
      await t.api.post(`/v1/admin/clients/${t.clientId}/rotate-secret`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errors: [{ code: 'INSUFFICIENT_SCOPE', description: 'This operation requires the scope admin.' }] });
    }
  });

  it('missing name: 400 naming the field', async () => {
    const res = await op.post('/v1/admin/clients', { regulated: true });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ code: 'VALIDATION_ERROR', description: 'name is required.', field: 'name' }]);
  });
});

describe('the operator acting for a client (x-l2f-client-id)', () => {
  it('creates a customer for a regulated tenant, which the tenant then sees', async () => {
    const t = await newTenant(app, { regulated: true });
    const id = uid('op');
    const created = await t.operator.post('/v1/customers', individualBody(id));
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ id, customer_type: 'INDIVIDUAL', status: 'ACTIVE' });

    const seen = await t.api.get(`/v1/customers/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.data).toEqual(created.body.data);
    const other = await newTenant(app);
    expect((await other.api.get(`/v1/customers/${id}`)).status).toBe(404);
  });

  it('x-l2f-client-id naming no client: 400 on that header', async () => {
    const res = await op.actingFor('cli_does-not-exist').get('/v1/customers');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { code: 'VALIDATION_ERROR', description: 'x-l2f-client-id does not name a client.', field: 'x-l2f-client-id' },
    ]);
  });
});
