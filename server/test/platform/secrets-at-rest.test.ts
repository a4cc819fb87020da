/**
 * Nothing secret or personal in clear, anywhere (CONTRACT §17, issue 10 "Proof"): after a workload
 * touching every place such values go — client creation and secret rotation with idempotency
 * keys (and their replays), tokens and a failed login, customers with tax reference and passport
 * numbers (created, changed, read in clear by a client holding customers:sensitive, their
 * history), a corporation with its tax id and its individual, an application with a scanned
 * passport uploaded, a counterparty, webhook subscriptions, an event listener and the card
 * authorization webhook (private keys) — every text, JSON, array and bytea column of every table
 * (bytea searched for the value's bytes), and every log line written at LOG_LEVEL trace, is
 * searched for each value: none is there.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { bootstrap } from '../../src/bootstrap.js';
import { type Database, openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { bodyFor } from '../counterparties/_fixtures.js';
import { Api, basic, corporationBody, individualBody, OPERATOR, testConfig, tokenFor, uid } from '../helpers.js';
import { individualApplication, individualDetails, requiredDocuments } from '../onboarding/_fixtures.js';
import { uploadFile } from '../onboarding/_multipart.js';
import { columnsContaining, textColumns } from './at-rest.js';

const MASTER_KEY = '5a'.repeat(32);

describe('a workload leaves no secret or personal value in clear', () => {
  let database: Database;
  let app: FastifyInstance;
  let logs = '';
  beforeAll(async () => {
    database = await openDatabase({});
    await migrate(database);
    const stream = new Writable({
      write(chunk, _enc, done) {
        logs += chunk.toString();
        done();
      },
    });
    app = await buildApp(testConfig({ LEDGERLINE_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'trace' }), { database, logStream: stream });
    await bootstrap(app);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('in no column of any table, in no log line (trace)', { timeout: 180_000 }, async () => {
    const n = `${Date.now()}`.slice(-8);
    const values = {
      tax: `T1X${n}`,
      newTax: `T2X${n}`,
      passport: `P1X${n}`,
      ownerPassport: `P2X${n}`,
      applicantTax: `T3X${n}`,
      payeeTax: `T4X${n}`,
      corporateTax: `T5X${n}`,
      documentPassport: `P3X${n}`,
      wrongSecret: `wrong-secret-${n}-abcdefghijklmnop`,
    };

    // Clients: keyed create and rotation, each replayed.
    const operatorToken = await tokenFor(app, OPERATOR.id, OPERATOR.secret);
    const op = new Api(app, operatorToken);
    const createKey = { 'x-l2f-idempotency-id': uid('scan-create') };
    const created = await op.post('/v1/admin/clients', { name: 'scan', regulated: true }, createKey);
    expect(created.status, created.raw).toBe(200);
    expect((await op.post('/v1/admin/clients', { name: 'scan', regulated: true }, createKey)).raw).toBe(created.raw);
    const clientId = created.body.data.client_id as string;
    const firstSecret = created.body.data.client_secret as string;
    const rotateKey = { 'x-l2f-idempotency-id': uid('scan-rotate') };
    const rotated = await op.post(`/v1/admin/clients/${clientId}/rotate-secret`, undefined, rotateKey);
    expect(rotated.status, rotated.raw).toBe(200);
    expect((await op.post(`/v1/admin/clients/${clientId}/rotate-secret`, undefined, rotateKey)).raw).toBe(rotated.raw);
    const secret = rotated.body.data.client_secret as string;
    const scopes = [...created.body.data.scopes, 'customers:sensitive'];
    expect((await op.patch(`/v1/admin/clients/${clientId}`, { scopes })).status).toBe(200);

    // Tokens: a failed login (logged with the client id, never the secret), then a good one.
    const failed = await app.inject({
      method: 'POST',
      url: '/oauth2/token?grant_type=client_credentials',
      headers: { authorization: basic(clientId, values.wrongSecret) },
    });
    expect(failed.statusCode).toBe(401);
    const token = await tokenFor(app, clientId, secret);
    const api = new Api(app, token);

    // Customers, read back in clear by this client (customers:sensitive), with their history.
    const person = uid('scan-ind');
    const key = (k: string) => ({ 'x-l2f-idempotency-id': uid(k) });
    const c1 = await api.post(
      '/v1/customers',
      individualBody(person, { tax_reference_number: values.tax, passport_number: values.passport }),
      key('c1'),
    );
    expect(c1.status, c1.raw).toBe(200);
    expect(c1.body.data.tax_reference_number).toBe(values.tax);
    expect((await api.patch(`/v1/customers/${person}`, { tax_reference_number: values.newTax }, key('p1'))).status).toBe(200);
    const corp = uid('scan-corp');
    const corporation = await api.post(
      '/v1/customers',
      corporationBody(corp, { corporate_tax_reference_number: values.corporateTax }),
      key('c2'),
    );
    expect(corporation.status, corporation.raw).toBe(200);
    expect(corporation.body.data.corporate_tax_reference_number).toBe(values.corporateTax);
    const owner = await api.post(
      `/v1/customers/${corp}/individuals`,
      { individual_type: ['BENEFICIAL_OWNER'], first_name: 'Grace', last_name: 'Hopper', passport_number: values.ownerPassport },
      key('i1'),
    );
    expect(owner.status, owner.raw).toBe(200);
    expect(owner.body.data.passport_number).toBe(values.ownerPassport);
    const history = await api.get(`/v1/customers/${person}/history`);
    expect(history.raw).toContain(values.newTax);

    // An application, a counterparty.
    const application = await api.post(
      '/v1/applications',
      individualApplication(individualDetails({ tax_reference_number: values.applicantTax })),
      key('a1'),
    );
    expect(application.status, application.raw).toBe(200);
    const payee = bodyFor('FIAT_US', person);
    payee.profile = { ...payee.profile, tax_reference_number: values.payeeTax };
    const counterparty = await api.post('/v1/counterparties', payee, key('cp1'));
    expect(counterparty.status, counterparty.raw).toBe(200);
    // A scanned passport uploaded to the application (a PDF whose text holds the number).
    const [idDocument] = await requiredDocuments(api, application.body.data.id);
    const scan = Buffer.from(`%PDF-1.7\n1 0 obj << /Passport (${values.documentPassport}) >> endobj\n%%EOF\n`, 'latin1');
    const uploaded = await uploadFile(api, idDocument!.id, scan, 'passport.pdf', key('d1'));
    expect(uploaded.status, uploaded.raw).toBe(200);

    // Webhook subscriptions and an event listener: private keys.
    for (const type of ['CUSTOMER_ACTIVE', 'ACCOUNT_OPEN']) {
      const sub = await api.post('/v1/subscriptions', { event_type: type, callback_url: `http://127.0.0.1:9/${type}` }, key('s'));
      expect(sub.status, sub.raw).toBe(200);
    }
    const listener = await api.post('/v1/event-listeners', {}, key('l'));
    expect(listener.status, listener.raw).toBe(200);
    // The card authorization webhook: its private key.
    const decisions = await api.request('PUT', '/v1/cards/authorization-webhook', { url: 'http://127.0.0.1:9/decide' }, key('aw'));
    expect(decisions.status, decisions.raw).toBe(200);
    expect(decisions.body.data.signature_verification_key).toMatch(/^[0-9a-f]{64}$/);

    const needles = [
      ...Object.values(values),
      firstSecret,
      secret,
      OPERATOR.secret,
      'PRIVATE KEY',
      MASTER_KEY,
      Buffer.from(MASTER_KEY, 'hex').toString('base64'),
    ];
    // Sanity: the scan reads every table, and would see a value there.
    const columns = await textColumns(database);
    for (const table of [
      'customers',
      'customer_individuals',
      'resource_history',
      'idempotency_keys',
      'applications',
      'counterparties',
      'subscriptions',
      'event_listeners',
      'card_authorization_webhooks',
      'document_files',
      'platform_settings',
      'clients',
      'events',
      'webhook_deliveries',
    ]) {
      expect(columns.map((c) => c.table_name)).toContain(table);
    }
    expect(await columnsContaining(database, [person, clientId])).not.toEqual([]);
    // …bytea columns included: the file's own bytes are found where they are (its envelope's prefix).
    expect(await columnsContaining(database, ['llv1:dek_'])).toContain('document_files.content: llv1:dek_');

    expect(await columnsContaining(database, needles)).toEqual([]);

    // The logs: the workload was logged (trace), with none of the values, nor a bearer token.
    expect(logs).toContain(clientId);
    expect(app.log.level).toBe('trace');
    const failedLogin = logs.split('\n').find((line) => line.includes('"level":"warn"') && line.includes(clientId));
    expect(failedLogin, 'the failed login is logged at warn with the client id').toBeDefined();
    for (const needle of [...needles, token, operatorToken]) expect(logs.includes(needle), needle).toBe(false);
  });
});
