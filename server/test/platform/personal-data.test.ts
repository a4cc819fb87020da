/**
 * Personal identifiers and secrets at rest (CONTRACT §17, issue 10 point 1, second part):
 * tax reference and passport numbers are stored encrypted in customers, their individuals and
 * resource_history, answered masked (`*****` and the last 4 characters) unless the caller holds
 * `customers:sensitive` (granted by the operator, never by default); rows an earlier version stored
 * in clear are encrypted at the next start, losing nothing; stored idempotent answers holding a
 * client secret are sealed and replay byte for byte. The proofs read the database directly.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { maskPersonal } from '../../src/platform/vault/personal-data.js';
import { bodyFor, createCounterparty } from '../counterparties/_fixtures.js';
import { Api, corporationBody, getApp, individualBody, newTenant, OPERATOR, testConfig, tokenFor, uid } from '../helpers.js';
import {
  corporationApplication,
  corporationDetails,
  createApplication,
  individualApplication,
  individualDetails,
  person,
  requiredDocuments,
} from '../onboarding/_fixtures.js';
import { uploadFile } from '../onboarding/_multipart.js';
import { columnsContaining } from './at-rest.js';

const K1 = '11'.repeat(32);

/** Distinctive values, so that finding one anywhere in the database means it leaked. */
const personal = () => {
  const n = `${Date.now()}${Math.floor(Math.random() * 1e6)}`.slice(-9);
  return { tax: `TX${n}`, passport: `PP${n}`, ownerPassport: `OW${n}`, newTax: `NT${n}` };
};

const sensitiveScopes = async (op: Api, clientId: string) => {
  const client = await op.get(`/v1/admin/clients/${clientId}`);
  return [...client.body.data.scopes, 'customers:sensitive'];
};

describe('the mask', () => {
  it('is five asterisks then the last four characters; four characters or fewer are hidden whole', () => {
    expect(maskPersonal('123-45-6789')).toBe('*****6789');
    expect(maskPersonal('P1234567')).toBe('*****4567');
    expect(maskPersonal('1234')).toBe('*****');
  });
});

describe('tax reference and passport numbers', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await getApp();
  });

  it('are stored encrypted in customers, individuals and history; answered masked; revealed with customers:sensitive', async () => {
    const t = await newTenant(app);
    const op = new Api(app, t.operator.token);
    // Not a default scope.
    expect((await op.get(`/v1/admin/clients/${t.clientId}`)).body.data.scopes).not.toContain('customers:sensitive');

    const v = personal();
    const person = uid('pd-ind');
    const created = await t.api.post('/v1/customers', individualBody(person, { tax_reference_number: v.tax, passport_number: v.passport }));
    expect(created.status, created.raw).toBe(200);
    expect([created.body.data.tax_reference_number, created.body.data.passport_number]).toEqual([
      maskPersonal(v.tax),
      maskPersonal(v.passport),
    ]);
    const corp = uid('pd-corp');
    expect((await t.api.post('/v1/customers', corporationBody(corp))).status).toBe(200);
    const owner = await t.api.post(`/v1/customers/${corp}/individuals`, {
      individual_type: ['BENEFICIAL_OWNER'],
      first_name: 'Grace',
      last_name: 'Hopper',
      passport_number: v.ownerPassport,
      percentage_ownership: 30,
    });
    expect(owner.status, owner.raw).toBe(200);
    expect(owner.body.data.passport_number).toBe(maskPersonal(v.ownerPassport));
    const patched = await t.api.patch(`/v1/customers/${person}`, {
      updates: [{ field: 'tax_reference_number', value: v.newTax }],
      reason: 'corrected',
    });
    expect(patched.status, patched.raw).toBe(200);
    const ownerPatched = await t.api.patch(`/v1/customers/${corp}/individuals/${owner.body.data.id}`, {
      passport_number: `${v.ownerPassport}X`,
    });
    expect(ownerPatched.status, ownerPatched.raw).toBe(200);

    // Every view masks them.
    const masked = (await t.api.get(`/v1/customers/${person}`)).body.data;
    expect([masked.tax_reference_number, masked.passport_number]).toEqual([maskPersonal(v.newTax), maskPersonal(v.passport)]);
    const listed = (await t.api.get('/v1/customers?page_size=50')).body.data.customers;
    expect(listed.find((c: any) => c.id === person).tax_reference_number).toBe(maskPersonal(v.newTax));
    expect(listed.find((c: any) => c.id === corp).individuals[0].passport_number).toBe(maskPersonal(`${v.ownerPassport}X`));
    const individuals = (await t.api.get(`/v1/customers/${corp}/individuals`)).body.data;
    expect(JSON.stringify(individuals)).not.toContain(v.ownerPassport);
    const history = (await t.api.get(`/v1/customers/${person}/history`)).body.data;
    const taxChange = history.history.find((h: any) => h.field === 'tax_reference_number');
    expect([taxChange.before, taxChange.after]).toEqual([maskPersonal(v.tax), maskPersonal(v.newTax)]);
    const ownerHistory = (await t.api.get(`/v1/customers/${corp}/individuals/${owner.body.data.id}/history`)).body.data;
    expect(JSON.stringify(ownerHistory)).not.toContain(v.ownerPassport);
    expect(ownerHistory.history.find((h: any) => h.field === 'passport_number').after).toBe(maskPersonal(`${v.ownerPassport}X`));

    // Nothing in clear in any table (stored answers of the keyed writes included).
    expect(await columnsContaining(app.ledgerline.database, [v.tax, v.passport, v.ownerPassport, v.newTax])).toEqual([]);

    // The operator grants customers:sensitive: a token holding it reads them in clear, nothing lost.
    const granted = await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    expect(granted.status, granted.raw).toBe(200);
    expect(granted.body.data.scopes).toContain('customers:sensitive');
    const revealing = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const clear = (await revealing.get(`/v1/customers/${person}`)).body.data;
    expect([clear.tax_reference_number, clear.passport_number]).toEqual([v.newTax, v.passport]);
    const clearHistory = (await revealing.get(`/v1/customers/${person}/history`)).body.data.history;
    const clearChange = clearHistory.find((h: any) => h.field === 'tax_reference_number');
    expect([clearChange.before, clearChange.after]).toEqual([v.tax, v.newTax]);
    const corpClear = (await revealing.get(`/v1/customers/${corp}`)).body.data;
    expect(corpClear.individuals[0].passport_number).toBe(`${v.ownerPassport}X`);
    const ownerClearHistory = (await revealing.get(`/v1/customers/${corp}/individuals/${owner.body.data.id}/history`)).body.data.history;
    const ownerChange = ownerClearHistory.find((h: any) => h.field === 'passport_number');
    expect([ownerChange.before, ownerChange.after]).toEqual([v.ownerPassport, `${v.ownerPassport}X`]);
    // A token that leaves the scope out masks again.
    const narrow = new Api(app, await tokenFor(app, t.clientId, t.secret, 'customers:read'));
    expect((await narrow.get(`/v1/customers/${person}`)).body.data.tax_reference_number).toBe(maskPersonal(v.newTax));
    // Still nothing in clear after reads in clear.
    expect(await columnsContaining(app.ledgerline.database, [v.tax, v.passport, v.newTax])).toEqual([]);
  });

  it('a resource read masked and sent back whole keeps its values (the mask means "unchanged")', async () => {
    const t = await newTenant(app);
    const v = personal();
    const id = uid('pd-echo');
    const created = await t.api.post('/v1/customers', individualBody(id, { tax_reference_number: v.tax, passport_number: v.passport }));
    const { id: _i, customer_type: _t, status: _s, accounts: _a, created_at: _c, updated_at: _u, ...echo } = created.body.data;
    const sentBack = await t.api.patch(`/v1/customers/${id}`, { ...echo, first_name: 'Augusta' });
    expect(sentBack.status, sentBack.raw).toBe(200);
    const layer2 = await t.api.patch(`/v1/customers/${id}`, { updates: [{ field: 'passport_number', value: maskPersonal(v.passport) }] });
    expect(layer2.status, layer2.raw).toBe(200);
    const op = new Api(app, t.operator.token);
    await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    const clear = (await new Api(app, await tokenFor(app, t.clientId, t.secret)).get(`/v1/customers/${id}`)).body.data;
    expect([clear.first_name, clear.tax_reference_number, clear.passport_number]).toEqual(['Augusta', v.tax, v.passport]);
    const history = (await t.api.get(`/v1/customers/${id}/history`)).body.data.history;
    expect(history.map((h: any) => h.field)).toEqual(['first_name']);
  });

  it('applications and their individuals: encrypted at rest, masked in views and history, carried over to the customer', async () => {
    const t = await newTenant(app);
    const v = personal();
    const single = await t.api.post(
      '/v1/applications',
      individualApplication(individualDetails({ tax_reference_number: v.tax, passport_number: v.passport })),
    );
    expect(single.status, single.raw).toBe(200);
    expect(single.body.data.customer_details.tax_reference_number).toBe(maskPersonal(v.tax));
    const patched = await t.api.patch(`/v1/applications/${single.body.data.id}`, { tax_reference_number: v.newTax });
    expect(patched.status, patched.raw).toBe(200);
    const corp = await t.api.post('/v1/applications', corporationApplication(corporationDetails()));
    expect(corp.status, corp.raw).toBe(200);
    const officer = await t.api.post(`/v1/applications/${corp.body.data.id}/individual`, person({ passport_number: v.ownerPassport }));
    expect(officer.status, officer.raw).toBe(200);
    expect(officer.body.data.passport_number).toBe(maskPersonal(v.ownerPassport));

    const views = JSON.stringify([
      (await t.api.get(`/v1/applications/${single.body.data.id}`)).body,
      (await t.api.get(`/v1/applications/${corp.body.data.id}`)).body,
      (await t.api.get('/v1/applications')).body,
      (await t.api.get(`/v1/applications/${single.body.data.id}/history`)).body,
      (await t.api.get(`/v1/applications/${corp.body.data.id}/history`)).body,
    ]);
    for (const value of [v.tax, v.newTax, v.passport, v.ownerPassport]) expect(views).not.toContain(value);
    expect(views).toContain(maskPersonal(v.newTax));
    expect(await columnsContaining(app.ledgerline.database, [v.tax, v.newTax, v.passport, v.ownerPassport])).toEqual([]);

    const op = new Api(app, t.operator.token);
    await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    const revealing = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const details = (await revealing.get(`/v1/applications/${single.body.data.id}`)).body.data.customer_details;
    expect([details.tax_reference_number, details.passport_number]).toEqual([v.newTax, v.passport]);
    const history = (await revealing.get(`/v1/applications/${single.body.data.id}/history`)).body.data.history;
    const change = history.find((h: any) => h.field.endsWith('tax_reference_number'));
    expect([change.before, change.after]).toEqual([v.tax, v.newTax]);
    const corpHistory = JSON.stringify((await revealing.get(`/v1/applications/${corp.body.data.id}/history`)).body);
    expect(corpHistory).toContain(v.ownerPassport);
  });

  it('counterparties: the profile tax reference number is encrypted at rest and masked', async () => {
    const t = await newTenant(app);
    const v = personal();
    const customer = uid('pd-cp');
    expect((await t.api.post('/v1/customers', individualBody(customer))).status).toBe(200);
    const body = bodyFor('FIAT_US', customer);
    body.profile = { ...body.profile, tax_reference_number: v.tax };
    const cp = await createCounterparty(t.api, body);
    expect(cp.profile.tax_reference_number).toBe(maskPersonal(v.tax));
    const echoed = await t.api.patch(`/v1/counterparties/${cp.id}`, { profile: cp.profile, description: 'echo' });
    expect(echoed.status, echoed.raw).toBe(200);
    expect(JSON.stringify((await t.api.get(`/v1/counterparties/${cp.id}`)).body)).not.toContain(v.tax);
    expect(await columnsContaining(app.ledgerline.database, [v.tax])).toEqual([]);
    const op = new Api(app, t.operator.token);
    await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    const revealing = new Api(app, await tokenFor(app, t.clientId, t.secret));
    expect((await revealing.get(`/v1/counterparties/${cp.id}`)).body.data.profile.tax_reference_number).toBe(v.tax);
  });

  it('a corporation tax id (corporate_tax_reference_number): encrypted in customers, applications, history and stored answers; masked; revealed with customers:sensitive', async () => {
    const t = await newTenant(app);
    const v = personal();
    const [corpTax, newCorpTax, appTax] = [`CT${v.tax}`, `CN${v.tax}`, `CA${v.tax}`];
    const corp = uid('pd-ctax');
    const keyed = { 'x-l2f-idempotency-id': uid('pd-ctax') };
    const created = await t.api.post('/v1/customers', corporationBody(corp, { corporate_tax_reference_number: corpTax }), keyed);
    expect(created.status, created.raw).toBe(200);
    expect(created.body.data.corporate_tax_reference_number).toBe(maskPersonal(corpTax));
    const replay = await t.api.post('/v1/customers', corporationBody(corp, { corporate_tax_reference_number: corpTax }), keyed);
    expect(replay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(replay.raw).toBe(created.raw);
    const patched = await t.api.patch(`/v1/customers/${corp}`, {
      updates: [{ field: 'corporate_tax_reference_number', value: newCorpTax }],
      reason: 'corrected',
    });
    expect(patched.status, patched.raw).toBe(200);
    // An echoed mask changes nothing.
    const echoed = await t.api.patch(`/v1/customers/${corp}`, { corporate_tax_reference_number: maskPersonal(newCorpTax) });
    expect(echoed.status, echoed.raw).toBe(200);
    const application = await t.api.post(
      '/v1/applications',
      corporationApplication(corporationDetails({ corporate_tax_reference_number: appTax })),
    );
    expect(application.status, application.raw).toBe(200);
    expect(application.body.data.customer_details.corporate_tax_reference_number).toBe(maskPersonal(appTax));

    const views = JSON.stringify([
      (await t.api.get(`/v1/customers/${corp}`)).body,
      (await t.api.get('/v1/customers?page_size=50')).body,
      (await t.api.get(`/v1/customers/${corp}/history`)).body,
      (await t.api.get(`/v1/applications/${application.body.data.id}`)).body,
    ]);
    for (const value of [corpTax, newCorpTax, appTax]) expect(views).not.toContain(value);
    expect((await t.api.get(`/v1/customers/${corp}`)).body.data.corporate_tax_reference_number).toBe(maskPersonal(newCorpTax));
    const change = (await t.api.get(`/v1/customers/${corp}/history`)).body.data.history.find(
      (h: any) => h.field === 'corporate_tax_reference_number',
    );
    expect([change.before, change.after]).toEqual([maskPersonal(corpTax), maskPersonal(newCorpTax)]);

    // Nowhere in clear; the customer row holds an envelope, the keyed answer is sealed.
    const database = app.ledgerline.database;
    expect(await columnsContaining(database, [corpTax, newCorpTax, appTax])).toEqual([]);
    const [row] = await database.rawTransaction((s) =>
      s.query<{ tax: string }>(`SELECT details->>'corporate_tax_reference_number' AS tax FROM customers WHERE client_id = $1 AND id = $2`, [
        t.clientId,
        corp,
      ]),
    );
    expect(row?.tax).toMatch(/^llv1:dek_/);
    const [stored] = await database.rawTransaction((s) =>
      s.query<{ response_body: string }>('SELECT response_body FROM idempotency_keys WHERE client_id = $1 AND key = $2', [
        t.clientId,
        keyed['x-l2f-idempotency-id'],
      ]),
    );
    expect(stored?.response_body).toMatch(/^llv1:dek_/);

    const op = new Api(app, t.operator.token);
    await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    const revealing = new Api(app, await tokenFor(app, t.clientId, t.secret));
    expect((await revealing.get(`/v1/customers/${corp}`)).body.data.corporate_tax_reference_number).toBe(newCorpTax);
    const clearChange = (await revealing.get(`/v1/customers/${corp}/history`)).body.data.history.find(
      (h: any) => h.field === 'corporate_tax_reference_number',
    );
    expect([clearChange.before, clearChange.after]).toEqual([corpTax, newCorpTax]);
    const clearApplication = (await revealing.get(`/v1/applications/${application.body.data.id}`)).body.data;
    expect(clearApplication.customer_details.corporate_tax_reference_number).toBe(appTax);
  });

  it('a client may not grant itself the scope, and clients created without scopes do not hold it', async () => {
    const t = await newTenant(app);
    const self = await t.api.patch(`/v1/admin/clients/${t.clientId}`, { scopes: ['customers:sensitive'] });
    expect(self.status).toBe(403);
    const asked = await app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials&scope=customers:sensitive',
      headers: { authorization: `Basic ${Buffer.from(`${t.clientId}:${t.secret}`).toString('base64')}` },
    });
    expect(asked.statusCode).toBe(400);
  });
});

describe('stored idempotent answers holding a client secret', () => {
  it('are sealed at rest and replayed byte for byte, secret included', async () => {
    const app = await getApp();
    const op = new Api(app, await tokenFor(app, OPERATOR.id, OPERATOR.secret));
    const createKey = { 'x-l2f-idempotency-id': uid('idem-create') };
    const created = await op.post('/v1/admin/clients', { name: 'sealed answers' }, createKey);
    expect(created.status, created.raw).toBe(200);
    const secret = created.body.data.client_secret as string;
    expect(secret.length).toBeGreaterThan(20);
    const replay = await op.post('/v1/admin/clients', { name: 'sealed answers' }, createKey);
    expect(replay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(replay.raw).toBe(created.raw);

    const rotateKey = { 'x-l2f-idempotency-id': uid('idem-rotate') };
    const rotated = await op.post(`/v1/admin/clients/${created.body.data.client_id}/rotate-secret`, undefined, rotateKey);
    expect(rotated.status, rotated.raw).toBe(200);
    const newSecret = rotated.body.data.client_secret as string;
    expect(newSecret).not.toBe(secret);
    const rotatedReplay = await op.post(`/v1/admin/clients/${created.body.data.client_id}/rotate-secret`, undefined, rotateKey);
    expect(rotatedReplay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(rotatedReplay.raw).toBe(rotated.raw);
    // The replayed secret is the one that works.
    expect(await tokenFor(app, created.body.data.client_id, newSecret)).toMatch(/^ey/);

    expect(await columnsContaining(app.ledgerline.database, [secret, newSecret])).toEqual([]);
    const stored = await app.ledgerline.database.rawTransaction((s) =>
      s.query<{ response_body: string }>('SELECT response_body FROM idempotency_keys WHERE key = $1 OR key = $2', [
        createKey['x-l2f-idempotency-id'],
        rotateKey['x-l2f-idempotency-id'],
      ]),
    );
    expect(stored).toHaveLength(2);
    for (const r of stored) expect(r.response_body).toMatch(/^llv1:dek_/);
  });
});

/**
 * A database of its own, migrated, for tests that write rows as an earlier version stored them:
 * closed after the describe, with the app the test left in `app`.
 */
function earlierVersionStore(): { database: Database; app?: FastifyInstance } {
  const store = {} as { database: Database; app?: FastifyInstance };
  beforeAll(async () => {
    store.database = await openDatabase({});
    await migrate(store.database);
  });
  afterAll(async () => {
    await store.app?.close();
    await store.database.close();
  });
  return store;
}

describe('upgrade: personal identifiers an earlier version stored in clear', () => {
  const store = earlierVersionStore();

  it('are encrypted at the next start, losing nothing', { timeout: 120_000 }, async () => {
    // A first start creates the operator and the vault; a tenant with a customer and its history.
    const first = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await bootstrap(first);
    const t = await newTenant(first);
    const op = new Api(first, t.operator.token);
    await op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(op, t.clientId) });
    const id = uid('legacy');
    expect((await t.api.post('/v1/customers', corporationBody(id))).status).toBe(200);
    await first.close();

    // What an earlier version left: the identifiers in clear in the row, an individual and history.
    const v = personal();
    await store.database.transaction(async (s) => {
      await s.query(
        `UPDATE customers SET details = details || jsonb_build_object('corporate_tax_reference_number', '99-1234567')
          WHERE client_id = $1 AND id = $2`,
        [t.clientId, id],
      );
      await s.query(
        `INSERT INTO customer_individuals (client_id, customer_id, id, details, created_at, updated_at)
         VALUES ($1, $2, 'ind_legacy', $3::jsonb, now(), now())`,
        [
          t.clientId,
          id,
          JSON.stringify({
            individual_type: ['BENEFICIAL_OWNER'],
            first_name: 'Old',
            last_name: 'Row',
            tax_reference_number: v.tax,
            passport_number: v.passport,
          }),
        ],
      );
      await s.query(
        `INSERT INTO resource_history (client_id, id, resource_type, resource_id, field, before, after, actor_client_id, actor_type, created_at)
         VALUES ($1, 'his_legacy1', 'individual', 'ind_legacy', 'tax_reference_number', $2::jsonb, $3::jsonb, $1, 'client', now()),
                ($1, 'his_legacy2', 'application', 'app_legacy', 'individuals.ind_x', 'null'::jsonb, $4::jsonb, $1, 'client', now())`,
        [t.clientId, JSON.stringify(v.newTax), JSON.stringify(v.tax), JSON.stringify({ first_name: 'X', passport_number: v.passport })],
      );
    });
    expect((await columnsContaining(store.database, [v.tax, v.passport, v.newTax, '99-1234567'])).sort()).toEqual([
      `customer_individuals.details: ${v.passport}`,
      `customer_individuals.details: ${v.tax}`,
      'customers.details: 99-1234567',
      `resource_history.after: ${v.passport}`,
      `resource_history.after: ${v.tax}`,
      `resource_history.before: ${v.newTax}`,
    ]);

    const app = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    store.app = app;
    expect(await columnsContaining(store.database, [v.tax, v.passport, v.newTax, '99-1234567'])).toEqual([]);
    const [row] = await store.database.rawTransaction((s) =>
      s.query<{ details: Record<string, string> }>(`SELECT details FROM customer_individuals WHERE id = 'ind_legacy'`),
    );
    expect(row?.details.tax_reference_number).toMatch(/^llv1:dek_/);
    expect(row?.details.first_name).toBe('Old');
    // The corporation's tax id too: encrypted in the row, not merely readable.
    const [corpRow] = await store.database.rawTransaction((s) =>
      s.query<{ details: Record<string, string> }>('SELECT details FROM customers WHERE client_id = $1 AND id = $2', [t.clientId, id]),
    );
    expect(corpRow?.details.corporate_tax_reference_number).toMatch(/^llv1:dek_/);
    expect(corpRow?.details.registered_name).toBe('Acme Widgets Inc.');

    // Nothing lost: the revealing client reads the same values, the history too.
    const api = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const customer = (await api.get(`/v1/customers/${id}`)).body.data;
    expect(customer.individuals.map((i: any) => [i.tax_reference_number, i.passport_number, i.first_name])).toEqual([
      [v.tax, v.passport, 'Old'],
    ]);
    expect(customer.corporate_tax_reference_number).toBe('99-1234567');
    const history = (await api.get(`/v1/customers/${id}/individuals/ind_legacy/history`)).body.data.history;
    expect(history.map((h: any) => [h.field, h.before, h.after])).toEqual([['tax_reference_number', v.newTax, v.tax]]);
    // A second start finds nothing left to encrypt and changes nothing.
    const before = await store.database.rawTransaction((s) =>
      s.query('SELECT client_id, id, before, after FROM resource_history ORDER BY id'),
    );
    const again = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await again.close();
    expect(
      await store.database.rawTransaction((s) => s.query('SELECT client_id, id, before, after FROM resource_history ORDER BY id')),
    ).toEqual(before);
  });
});

describe('upgrade: stored idempotent answers an earlier version kept in clear', () => {
  const store = earlierVersionStore();

  const storedRows = (keys: string[]) =>
    store.database.rawTransaction((s) =>
      s.query<{ key: string; response_body: string }>('SELECT key, response_body FROM idempotency_keys WHERE key = ANY($1) ORDER BY key', [
        keys,
      ]),
    );

  it('are sealed at the next start (a client secret, a tax number), replay byte for byte, and others are left alone', {
    timeout: 120_000,
  }, async () => {
    const first = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await bootstrap(first);
    const op = new Api(first, await tokenFor(first, OPERATOR.id, OPERATOR.secret));
    const t = await newTenant(first);
    const tenantOp = new Api(first, t.operator.token);
    await tenantOp.patch(`/v1/admin/clients/${t.clientId}`, { scopes: await sensitiveScopes(tenantOp, t.clientId) });
    const revealing = new Api(first, await tokenFor(first, t.clientId, t.secret));
    const v = personal();
    const keys = { client: uid('up-client'), customer: uid('up-cust'), subscription: uid('up-sub') };

    const client = await op.post('/v1/admin/clients', { name: 'upgraded' }, { 'x-l2f-idempotency-id': keys.client });
    expect(client.status, client.raw).toBe(200);
    const customerBody = individualBody(uid('up-ind'), { tax_reference_number: v.tax });
    const customer = await revealing.post('/v1/customers', customerBody, { 'x-l2f-idempotency-id': keys.customer });
    expect(customer.status, customer.raw).toBe(200);
    expect(customer.body.data.tax_reference_number).toBe(v.tax);
    const subscriptionBody = { event_type: 'CUSTOMER_ACTIVE', callback_url: 'http://127.0.0.1:9/up' };
    const subscription = await revealing.post('/v1/subscriptions', subscriptionBody, { 'x-l2f-idempotency-id': keys.subscription });
    expect(subscription.status, subscription.raw).toBe(200);
    await first.close();

    // As an earlier version stored them: the answers in clear.
    await store.database.transaction(async (s) => {
      await s.query('UPDATE idempotency_keys SET response_body = $2 WHERE key = $1', [keys.client, client.raw]);
      await s.query('UPDATE idempotency_keys SET response_body = $2 WHERE key = $1', [keys.customer, customer.raw]);
    });
    const secret = client.body.data.client_secret as string;
    expect((await columnsContaining(store.database, [secret, v.tax])).sort()).toEqual(
      [`idempotency_keys.response_body: ${secret}`, `idempotency_keys.response_body: ${v.tax}`].sort(),
    );
    const [, , subscriptionBefore] = await storedRows([keys.client, keys.customer, keys.subscription].sort());
    expect(subscriptionBefore).toBeDefined();

    const app = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    store.app = app;
    expect(await columnsContaining(store.database, [secret, v.tax])).toEqual([]);
    const after = Object.fromEntries((await storedRows(Object.values(keys))).map((r) => [r.key, r.response_body]));
    expect(after[keys.client]).toMatch(/^llv1:dek_/);
    expect(after[keys.customer]).toMatch(/^llv1:dek_/);
    // An answer holding no secret is not rewritten.
    expect(after[keys.subscription]).toBe(subscription.raw);

    // Replays answer the original bytes.
    const op2 = new Api(app, await tokenFor(app, OPERATOR.id, OPERATOR.secret));
    const clientReplay = await op2.post('/v1/admin/clients', { name: 'upgraded' }, { 'x-l2f-idempotency-id': keys.client });
    expect(clientReplay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(clientReplay.raw).toBe(client.raw);
    const api2 = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const customerReplay = await api2.post('/v1/customers', customerBody, { 'x-l2f-idempotency-id': keys.customer });
    expect(customerReplay.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(customerReplay.raw).toBe(customer.raw);

    // A second start finds nothing left to seal.
    const again = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await again.close();
    expect(Object.fromEntries((await storedRows(Object.values(keys))).map((r) => [r.key, r.response_body]))).toEqual(after);
  });
});

/** A PDF (as the upload recognises it) whose text holds `secret`, like a scanned passport page. */
const passportPdf = (secret: string) =>
  Buffer.concat([
    Buffer.from(`%PDF-1.7\n1 0 obj << /Passport (${secret}) >> endobj\n`, 'latin1'),
    randomBytes(256),
    Buffer.from('\n%%EOF\n'),
  ]);

/** The stored bytes of a document's file, read from the table. */
const storedFile = async (database: Database, documentId: string) => {
  const [row] = await database.rawTransaction((s) =>
    s.query<{ content: string }>(`SELECT encode(content, 'base64') AS content FROM document_files WHERE document_id = $1`, [documentId]),
  );
  return row ? Buffer.from(row.content, 'base64') : undefined;
};

const download = async (api: Api, documentId: string) => {
  const res = await api.app.inject({
    method: 'GET',
    url: `/v1/documents/${documentId}/download`,
    headers: { authorization: `Bearer ${api.token}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.rawPayload;
};

describe('identity documents', () => {
  it('are stored encrypted (AES-256-GCM envelope) and downloaded byte for byte', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const { id } = await createApplication(t.api, individualApplication());
    const [idDoc] = await requiredDocuments(t.api, id);
    const v = personal();
    const file = passportPdf(v.passport);
    const uploaded = await uploadFile(t.api, idDoc!.id, file, 'passport.pdf');
    expect(uploaded.status, uploaded.raw).toBe(200);
    expect(uploaded.body.data.file).toMatchObject({ size: file.length, sha256: createHash('sha256').update(file).digest('hex') });

    const stored = (await storedFile(app.ledgerline.database, idDoc!.id)) as Buffer;
    expect(stored.equals(file)).toBe(false);
    expect(stored.subarray(0, 9).toString('latin1')).toBe('llv1:dek_');
    expect(stored.includes(Buffer.from(v.passport))).toBe(false);
    expect(await columnsContaining(app.ledgerline.database, [v.passport])).toEqual([]);
    expect((await download(t.api, idDoc!.id)).equals(file)).toBe(true);
  });
});

describe('upgrade: documents an earlier version stored in clear', () => {
  const store = earlierVersionStore();

  it('are encrypted at the next start, and download the same bytes', { timeout: 120_000 }, async () => {
    const first = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await bootstrap(first);
    const t = await newTenant(first, { regulated: false });
    const { id } = await createApplication(t.api, individualApplication());
    const [idDoc, bill] = await requiredDocuments(t.api, id);
    const v = personal();
    const files = { [idDoc!.id]: passportPdf(v.passport), [bill!.id]: passportPdf(v.tax) };
    for (const [documentId, file] of Object.entries(files)) expect((await uploadFile(t.api, documentId, file)).status).toBe(200);
    await first.close();

    // As an earlier version stored them: the bytes in clear.
    await store.database.transaction(async (s) => {
      for (const [documentId, file] of Object.entries(files)) {
        await s.query(`UPDATE document_files SET content = decode($2, 'base64') WHERE document_id = $1`, [
          documentId,
          file.toString('base64'),
        ]);
      }
    });
    expect((await columnsContaining(store.database, [v.passport, v.tax])).sort()).toEqual([
      `document_files.content: ${v.passport}`,
      `document_files.content: ${v.tax}`,
    ]);

    const app = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    store.app = app;
    expect(await columnsContaining(store.database, [v.passport, v.tax])).toEqual([]);
    const api = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const after: Buffer[] = [];
    for (const [documentId, file] of Object.entries(files)) {
      const stored = (await storedFile(store.database, documentId)) as Buffer;
      expect(stored.subarray(0, 9).toString('latin1')).toBe('llv1:dek_');
      after.push(stored);
      expect((await download(api, documentId)).equals(file)).toBe(true);
    }
    // A second start leaves them as they are.
    const again = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: K1 }), { database: store.database });
    await again.close();
    for (const [i, documentId] of Object.keys(files).entries())
      expect((await storedFile(store.database, documentId))?.equals(after[i] as Buffer)).toBe(true);
  });
});
