/**
 * Auth and isolation over the route table (issue 10, "Proof"), as Unkey's shared role tests do:
 * every operation of /openapi.json (all methods) is called
 *  (a) without a token: 401 wherever the operation declares security; the public ones are listed
 *      below with their reason;
 *  (b) with a token of the same client holding only an unrelated scope: 403 INSUFFICIENT_SCOPE on
 *      every scoped operation (the scope read from the operation's declared `security`), on the
 *      client's own ids; a client token on an operator (`admin`) route: 403; and the token holding
 *      exactly the declared scopes gets past auth (the declaration is the real requirement);
 *  (c) by another tenant, path ids filled with the owner's real, server-assigned ids (alone, and
 *      next to the caller's own parent id), with a schema-valid body on write methods: 404
 *      NOT_FOUND, never 403; afterwards every answer the owner gets (each GET route over its ids,
 *      each list) is byte for byte what it was before.
 * Each tenant builds a real resource of every kind first, so no route is probed with a dummy id.
 * An operation the table cannot fill (a new path parameter, a write without a body here) fails
 * the coverage test until it is covered or exempted with a reason.
 * (d), the same external ids created by two tenants, is tenant-isolation.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, TENANT_SCOPES } from '../../src/shared/scopes.js';
import { COFFEE } from '../cards/_support.js';
import { Api, corporationBody, getFrozenApp, newTenant, OPERATOR, setClockOffset, type Tenant, tokenFor, uid } from '../helpers.js';
import { customerWithAccount, ETH, fund, linkedCounterparty, ok, openAccount, USD, usCounterparty } from '../money/_fixtures.js';
import { corporationApplication, person, requiredDocuments } from '../onboarding/_fixtures.js';
import { FILES, multipartBody, postRaw } from '../onboarding/_multipart.js';

interface Operation {
  key: string;
  method: string;
  path: string;
  params: string[];
  /** The scopes its `security` declares; undefined when it declares none (public). */
  scopes: string[] | undefined;
  hasBody: boolean;
  multipart: boolean;
}

/** Operations anyone may call without a token, and why. */
const PUBLIC: Record<string, string> = {
  'POST /oauth2/token': 'the token endpoint authenticates the client itself (HTTP Basic or form fields, RFC 6749)',
};

/**
 * Operations that need a token but no scope, and why (no wrong-scope probe for them). None today:
 * the signing-keys routes, the last ones, now declare accounts scopes.
 */
const UNSCOPED: Record<string, string> = {};

/** Operations with path ids left out of the other-tenant probe, and why. */
const NOT_TENANT_IDS: Record<string, string> = {
  'GET /v1/admin/clients/{client_id}': 'operator only: the client id names a client, which the operator manages, not a tenant resource',
  'PATCH /v1/admin/clients/{client_id}': 'operator only: the client id names a client, not a tenant resource',
  'POST /v1/admin/clients/{client_id}/rotate-secret': 'operator only: the client id names a client, not a tenant resource',
  'GET /v1/admin/clients/{client_id}/catalogue': 'operator only: the client id names a client, not a tenant resource',
  'PUT /v1/admin/clients/{client_id}/catalogue': 'operator only: the client id names a client, not a tenant resource',
  'POST /v1/admin/suspense/{id}/assign': 'operator only: unmatched funds belong to no tenant until the operator assigns them',
};

/**
 * Path parameters that name no resource of their own, only a part of their parent, and why: the
 * probe pairing the caller's own parent with the owner's value is meaningless for them.
 */
const NOT_OWNED_PARAMS: Record<string, string> = {
  statement_id: 'a statement id names a month of its account (stmt_YYYY_MM): every account has the same ones, the account decides',
  action: 'settle, fail or return: an action name, not an id',
};

/** Write operations whose probes send nothing: the request has no body (or an empty one is valid). */
const NO_BODY = new Set([
  'POST /v1/accounts/deposits/{account_id}/address',
  'POST /v1/applications/{id}/submit',
  'POST /v1/applications/{id}/accesscode',
  'DELETE /v1/applications/{id}/individual/{individual_id}',
  'POST /v1/transfers/{transfer_id}/accept',
  'POST /v1/transfers/{transfer_id}/cancel',
  'DELETE /v1/signing-keys/{id}',
  'DELETE /v1/subscriptions/{subscription_id}',
  'POST /v1/events/{event_id}/redeliver',
  'DELETE /v1/event-listeners/{id}',
  'POST /v1/deposits/{deposit_id}/accept',
  'POST /v1/withdrawals/{withdrawal_id}/accept',
  'POST /v1/withdrawals/{withdrawal_id}/cancel',
  'POST /v1/exchanges/{exchange_id}/accept',
  'POST /v1/payments/{payment_id}/accept',
  'POST /v1/simulations/deposits/{deposit_id}/return',
  'POST /v1/simulations/withdrawals/{withdrawal_id}/{action}',
  'POST /v1/simulations/card-authorizations/{id}/reverse',
  'POST /v1/simulations/card-authorizations/{id}/capture',
]);

/** A real resource of every kind, owned by one tenant. */
interface Workload {
  tenant: Tenant;
  ids: Record<string, string>;
}

const patchForm = (field: string, value: string) => ({ updates: [{ field, value }], updated_by: 'probe', reason: 'probe' });

/** Schema-valid bodies of the write operations with path ids (the probe must reach the lookup). */
const BODIES: Record<string, (w: Workload) => unknown> = {
  'PATCH /v1/customers/{id}': () => patchForm('email_address', 'probe@example.com'),
  'POST /v1/customers/{id}/individuals': () => ({ individual_type: ['OFFICER'], first_name: 'Probe', last_name: 'Probe' }),
  'PATCH /v1/customers/{id}/individuals/{individual_id}': () => patchForm('title', 'Probe'),
  'PATCH /v1/accounts/deposits/{account_id}': () => patchForm('status', 'FROZEN'),
  'POST /v1/accounts/deposits/{account_id}/virtual-accounts': () => ({ rail: 'ACH' }),
  'PATCH /v1/virtual-accounts/{virtual_account_id}': () => ({ status: 'DISABLED' }),
  'PATCH /v1/applications/{id}': () => patchForm('terms_and_conditions_accepted', 'false'),
  'POST /v1/applications/{id}/individual': () => ({ individual_type: ['OFFICER'], first_name: 'Probe', last_name: 'Probe' }),
  'PATCH /v1/applications/{id}/individual/{individual_id}': () => patchForm('title', 'Probe'),
  'POST /v1/admin/applications/{id}/decision': () => ({ decision: 'APPROVED', reason: 'probe' }),
  'POST /v1/admin/documents/{id}/review': () => ({ decision: 'APPROVED', reason: 'probe' }),
  'PATCH /v1/counterparties/{id}': () => patchForm('description', 'probe'),
  'POST /v1/counterparties/{id}/link/details': () => ({ linking_provider: 'MX' }),
  'POST /v1/counterparties/{id}/link/accounts': (w) => ({ linking_provider: 'MX', member_guid: w.ids.member_guid }),
  'POST /v1/counterparties/{id}/link/connect': (w) => ({ linking_provider: 'MX', account_link_id: w.ids.account_link_id }),
  'POST /v1/simulations/counterparties/{id}/screening': () => ({ result: 'REJECTED' }),
  'POST /v1/simulations/applications/{id}/decision': () => ({ decision: 'REJECTED' }),
  'PATCH /v1/accounts/payments/{account_id}': () => patchForm('status', 'FROZEN'),
  'POST /v1/customers/{id}/payor': () => ({ id: uid('payor'), first_name: 'Probe', last_name: 'Probe', state: 'NY', country_code: 'US' }),
  'POST /v1/accounts/payments/{account_id}/address': (w) => ({ amount: '0.5', payor_id: w.ids.payor_id }),
  'PATCH /v1/cards/{id}': () => ({ status: 'LOCKED' }),
  'POST /v1/cards/{id}/activate': () => ({ last4: '1234' }),
  'POST /v1/cards/{id}/replace': () => ({ reason: 'LOST' }),
  'POST /v1/simulations/cards/{id}/authorizations': () => ({ amount: '1', merchant: COFFEE }),
  'POST /v1/simulations/card-authorizations/{id}/increment': () => ({ amount: '1' }),
  'POST /v1/simulations/cards/{id}/refunds': () => ({ amount: '1', merchant: COFFEE }),
};

/** Query strings some GET routes need to answer their owner. */
const QUERIES: Record<string, (w: Workload) => string> = {
  'GET /v1/settlements/{settlement_id}': (w) => `source_account_id=${w.ids.payment_account}`,
};

/** Ids that differ by route (not by parameter name): which resource a route's ids stand for. */
const OVERRIDES: Record<string, (w: Workload) => Record<string, string>> = {
  'GET /v1/withdrawals/{withdrawal_id}/receipt': (w) => ({ withdrawal_id: w.ids.settled_withdrawal as string }),
  'GET /v1/accounts/payments/{account_id}/transactions/{transaction_id}': (w) => ({ transaction_id: w.ids.payment_transaction as string }),
  'GET /v1/accounts/payments/{account_id}/statements/{statement_id}': (w) => ({ statement_id: w.ids.payment_statement as string }),
};

/** The value of path parameter `name` of `path` in workload w, or undefined (not covered). */
function idFor(key: string, path: string, name: string, w: Workload): string | undefined {
  const override = OVERRIDES[key]?.(w)[name];
  if (override) return override;
  const ids = w.ids;
  if (name === 'action') return 'settle';
  if (name === 'account_id') return path.startsWith('/v1/accounts/payments/') ? ids.payment_account : ids.account;
  if (name === 'individual_id') return path.startsWith('/v1/applications/') ? ids.application_individual : ids.individual;
  if (name !== 'id') return ids[name];
  const byPrefix: [string, string | undefined][] = [
    ['/v1/customers/{id}/individuals', ids.corporation],
    ['/v1/customers/', ids.customer],
    ['/v1/applications/', ids.application],
    ['/v1/admin/applications/', ids.application],
    ['/v1/simulations/applications/', ids.application],
    ['/v1/admin/documents/', ids.document_id],
    ['/v1/counterparties/{id}/link/', ids.linkable_counterparty],
    ['/v1/counterparties/', ids.counterparty],
    ['/v1/simulations/counterparties/', ids.counterparty],
    ['/v1/cards/', ids.card],
    ['/v1/simulations/cards/', ids.card],
    ['/v1/card-authorizations/', ids.authorization],
    ['/v1/simulations/card-authorizations/', ids.authorization],
    ['/v1/signing-keys/', ids.signing_key],
    ['/v1/event-listeners/', ids.listener],
  ];
  return byPrefix.find(([prefix]) => path.startsWith(prefix))?.[1];
}

function fill(op: Operation, w: Workload, own?: Workload): string | undefined {
  let missing = false;
  let first = true;
  const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    // With `own`, the first (parent) id is the caller's own, the others the owner's.
    const source = own && first ? own : w;
    first = false;
    const id = idFor(op.key, op.path, name, source);
    if (!id) missing = true;
    return id ?? 'none';
  });
  if (missing) return undefined;
  const query = QUERIES[op.key]?.(w);
  return query ? `${url}?${query}` : url;
}

let app: FastifyInstance;
let operations: Operation[];
const loads: Record<'A' | 'B', Workload> = {} as never;

async function build(): Promise<Workload> {
  // Every scope a client may hold (customers:sensitive and cards:sensitive are granted ones).
  const t = await newTenant(app, { scopes: ALL_SCOPES.filter((s) => s !== 'admin') });
  const api = t.api;
  const { customerId, accountId } = await customerWithAccount(t);
  const second = await openAccount(t, customerId);
  const eth = await openAccount(t, customerId, ETH);
  await fund(t, accountId, '1000');
  await fund(t, eth, '2');
  const corporation = uid('corp');
  await ok(api.post('/v1/customers', corporationBody(corporation)));
  const individual = await ok(
    api.post(`/v1/customers/${corporation}/individuals`, { individual_type: ['OFFICER'], first_name: 'Grace', last_name: 'Hopper' }),
  );
  const payor = uid('payor');
  await ok(
    api.post(`/v1/customers/${customerId}/payor`, { id: payor, first_name: 'Alan', last_name: 'Turing', state: 'NY', country_code: 'US' }),
  );
  const virtualAccount = await ok(api.post(`/v1/accounts/deposits/${second}/virtual-accounts`, { rail: 'ACH' }));

  // Onboarding: a corporate application with an individual, a document uploaded.
  const application = await ok(api.post('/v1/applications', corporationApplication()));
  const applicationIndividual = await ok(api.post(`/v1/applications/${application.id}/individual`, person()));
  const document = (await requiredDocuments(api, application.id))[0]?.id as string;
  const upload = multipartBody([{ name: 'file', filename: 'doc.pdf', contentType: 'application/octet-stream', content: FILES.pdf }]);
  await ok(postRaw(api, `/v1/documents/${document}`, upload.body, upload.contentType));

  // Counterparties: an ACTIVE FIAT_US one, a linked one (pull deposits), one still to link.
  const counterparty = await usCounterparty(t, customerId);
  const linked = await linkedCounterparty(t, customerId);
  const linkable = await linkedCounterparty(t, customerId, false);
  const details = await ok(api.post(`/v1/counterparties/${linkable}/link/details`, { linking_provider: 'MX' }));
  const memberGuid = new URL(details.mx_widget_url).searchParams.get('member_guid') as string;
  const linkables = await ok(api.post(`/v1/counterparties/${linkable}/link/accounts`, { linking_provider: 'MX', member_guid: memberGuid }));

  // Money in flight, each left where the accept/cancel routes still apply.
  const transfer = await ok(api.post('/v1/transfers', { source_account_id: accountId, destination_account_id: second, amount: '10' }));
  const deposit = await ok(
    api.post('/v1/deposits', {
      deposit_type: 'PULL',
      deposit_destination: { destination_account_id: second },
      deposit_source: { source_counterparty_id: linked },
      deposit_details: { amount: '25', reference: 'PULL1' },
    }),
  );
  const withdrawalBody = {
    withdrawal_rail: 'ACH',
    source_account_id: accountId,
    destination_counterparty_id: counterparty,
    amount: '20',
    purpose: 'PERSONAL_ACCOUNT',
    memo: 'RENT',
  };
  const settled = await ok(api.post('/v1/withdrawals', withdrawalBody));
  await ok(api.post(`/v1/withdrawals/${settled.id}/accept`));
  await ok(api.post(`/v1/simulations/withdrawals/${settled.id}/settle`, {}));
  const withdrawal = await ok(api.post('/v1/withdrawals', withdrawalBody));
  const exchange = await ok(
    api.post('/v1/exchanges/market', { source_account_id: accountId, destination_account_id: eth, amount: '30', action: 'FIX_SOURCE' }),
  );
  const payment = await ok(
    api.post('/v1/payments', {
      payment_source: { source_counterparty_id: counterparty, asset_type: [USD] },
      payment_destination: { destination_account_id: second },
      payment_info: { description: 'Invoice 42' },
    }),
  );

  // A payment account that collected funds from a payor, and a settlement out of it.
  const paymentAccount = await openAccount(t, customerId, ETH, 'PAYMENT_BASIC', 'payments');
  const lease = await ok(api.post(`/v1/accounts/payments/${paymentAccount}/address`, { amount: '0.5', payor_id: payor }));
  await ok(
    api.post('/v1/simulations/deposits', { rail: 'CRYPTO', asset_type_id: ETH, amount: '0.5', wallet_address: lease.wallet_address }),
  );
  const settlement = await ok(
    api.post('/v1/transfers', { source_account_id: paymentAccount, destination_account_id: eth, amount: '0.25' }),
  );
  await ok(api.post(`/v1/transfers/${settlement.id}/accept`));

  // Cards and an authorization.
  const card = await ok(api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'VIRTUAL' }));
  const authorization = await ok(api.post(`/v1/simulations/cards/${card.id}/authorizations`, { amount: '5', merchant: COFFEE }));

  // Webhooks, listeners, signing keys, events. This app's clock is frozen, so the events above bear
  // the instant a subscription made now would, and a webhook worker started by another test file on
  // a shared PostgreSQL could deliver them to it at any moment, (c)'s "nothing changed" included.
  // One second on, the subscription is newer than every one of them: none is delivered to it.
  await setClockOffset(app, t.clientId, 1000);
  const subscription = await ok(api.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: 'http://127.0.0.1:9/hook' }));
  const listener = await ok(api.post('/v1/event-listeners', {}));
  const { publicKey } = generateKeyPairSync('ed25519');
  const signingKey = await ok(api.post('/v1/signing-keys', { public_key: publicKey.export({ format: 'pem', type: 'spki' }) }));

  const transactions = await ok(api.get(`/v1/accounts/deposits/${accountId}/transactions`));
  const paymentTransactions = await ok(api.get(`/v1/accounts/payments/${paymentAccount}/transactions`));
  const statements = await ok(api.get(`/v1/accounts/deposits/${accountId}/statements`));
  const paymentStatements = await ok(api.get(`/v1/accounts/payments/${paymentAccount}/statements`));
  const events = await ok(api.get('/v1/events?page_size=1'));
  return {
    tenant: t,
    ids: {
      customer: customerId,
      corporation,
      individual: individual.id,
      payor_id: payor,
      account: accountId,
      payment_account: paymentAccount,
      virtual_account_id: virtualAccount.id,
      application: application.id,
      application_individual: applicationIndividual.id,
      document_id: document,
      counterparty,
      linkable_counterparty: linkable,
      member_guid: memberGuid,
      account_link_id: linkables.available_accounts[0].account_link_id,
      transfer_id: transfer.id,
      deposit_id: deposit.id,
      withdrawal_id: withdrawal.id,
      settled_withdrawal: settled.id,
      exchange_id: exchange.id,
      payment_id: payment.id,
      settlement_id: settlement.id,
      card: card.id,
      authorization: authorization.id,
      subscription_id: subscription.id,
      listener: listener.id,
      signing_key: signingKey.id,
      transaction_id: transactions.transactions[0].id,
      payment_transaction: paymentTransactions.transactions[0].id,
      statement_id: statements.statements[0].id,
      payment_statement: paymentStatements.statements[0].id,
      event_id: events.events[0].id,
    },
  };
}

beforeAll(async () => {
  app = await getFrozenApp();
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  operations = Object.entries<any>(doc.paths).flatMap(([path, ops]) =>
    Object.entries<any>(ops).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        scopes: op.security?.length ? (op.security[0].oauth2 as string[]) : undefined,
        hasBody: Object.keys(content).length > 0,
        multipart: 'multipart/form-data' in content,
      };
    }),
  );
  loads.A = await build();
  loads.B = await build();
}, 300_000);

async function call(api: Api | undefined, op: Operation, url: string, w?: Workload) {
  const headers: Record<string, string> = { ...(api && { authorization: `Bearer ${api.token}`, ...api.extraHeaders }) };
  let payload: string | Buffer | undefined;
  if (op.multipart) {
    const body = multipartBody([{ name: 'file', filename: 'doc.pdf', contentType: 'application/octet-stream', content: FILES.pdf }]);
    headers['content-type'] = body.contentType;
    payload = body.body;
  } else if (w && BODIES[op.key]) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(BODIES[op.key]?.(w));
  }
  const res = await app.inject({ method: op.method as 'GET', url, headers, ...(payload !== undefined && { payload }) });
  return { status: res.statusCode, raw: res.body, codes: codesOf(res.body) };
}

function codesOf(raw: string): string[] {
  try {
    return (JSON.parse(raw).errors ?? []).map((e: { code: string }) => e.code);
  } catch {
    return [];
  }
}

const isAdmin = (op: Operation) => op.scopes?.includes('admin') ?? false;
const isStream = (op: Operation) => op.path.endsWith('/stream');
/** The operator acts for a tenant on tenant data; client-management routes act for nobody. */
const asCaller = (op: Operation, w: Workload): Api =>
  isAdmin(op) && !NOT_TENANT_IDS[op.key] && !op.path.startsWith('/v1/admin/clients') ? w.tenant.operator : w.tenant.api;

describe('the route table', () => {
  it('every operation is covered: public and unscoped ones are listed, every path id and write body is filled', () => {
    expect(operations.length).toBeGreaterThan(140);
    const declaredPublic = operations.filter((o) => o.scopes === undefined).map((o) => o.key);
    expect(declaredPublic.sort()).toEqual(Object.keys(PUBLIC).sort());
    expect(
      operations
        .filter((o) => o.scopes?.length === 0)
        .map((o) => o.key)
        .sort(),
    ).toEqual(Object.keys(UNSCOPED).sort());
    const uncovered = operations
      .filter((o) => o.params.length && !NOT_TENANT_IDS[o.key])
      .flatMap((o) => [
        ...(fill(o, loads.B) ? [] : [`${o.key}: a path id the workload does not fill`]),
        ...(o.method !== 'GET' && o.hasBody && !o.multipart && !BODIES[o.key] && !NO_BODY.has(o.key) ? [`${o.key}: no probe body`] : []),
      ]);
    expect(uncovered).toEqual([]);
    for (const w of [loads.A, loads.B]) expect(Object.values(w.ids).filter((v) => !v)).toEqual([]);
  });
});

describe('(a) no token', () => {
  it('401 UNAUTHORIZED on every operation that declares security', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      if (op.scopes === undefined) continue;
      const url = (op.params.length && fill(op, loads.B)) || op.path.replace(/\{[^}]+\}/g, 'none');
      const res = await call(undefined, op, url, loads.B);
      if (res.status !== 401 || res.codes.join() !== 'UNAUTHORIZED') wrong.push(`${op.key} -> ${res.status} ${res.raw.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the public operations answer without a token (not the 401 of the API)', async () => {
    const t = loads.B.tenant;
    const res = await app.inject({
      method: 'POST',
      url: '/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${t.clientId}&client_secret=${t.secret}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().token_type).toBe('Bearer');
  });
});

describe('(b) the wrong scope', () => {
  it('a token of the same client with an unrelated scope: 403 INSUFFICIENT_SCOPE on every scoped operation, its own ids', async () => {
    const w = loads.B;
    const tokens = new Map<string, Api>();
    const tokenOf = async (scope: string) => {
      if (!tokens.has(scope)) tokens.set(scope, new Api(app, await tokenFor(app, w.tenant.clientId, w.tenant.secret, scope)));
      return tokens.get(scope) as Api;
    };
    const family = (s: string) => s.split(':')[0];
    const wrong: string[] = [];
    let probed = 0;
    for (const op of operations) {
      if (!op.scopes?.length) continue;
      const url = (op.params.length && fill(op, w)) || op.path.replace(/\{[^}]+\}/g, 'none');
      // Operator routes: the client's own token, holding every scope a client may hold.
      const unrelated = isAdmin(op)
        ? w.tenant.api
        : await tokenOf(TENANT_SCOPES.find((s) => !op.scopes?.some((r) => family(r) === family(s))) as string);
      const res = await call(unrelated, op, url, w);
      probed++;
      if (res.status !== 403 || res.codes.join() !== 'INSUFFICIENT_SCOPE')
        wrong.push(`${op.key} -> ${res.status} ${res.raw.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(probed).toBe(operations.filter((o) => o.scopes?.length).length);
  });

  it('a token holding exactly the declared scopes gets past auth (an unknown id or field is refused after it)', async () => {
    const w = loads.B;
    const op = await tokenFor(app, OPERATOR.id, OPERATOR.secret);
    const tokens = new Map<string, Api>();
    const exactly = async (scopes: string[]) => {
      const scope = scopes.join(' ');
      if (!tokens.has(scope)) tokens.set(scope, new Api(app, await tokenFor(app, w.tenant.clientId, w.tenant.secret, scope)));
      return tokens.get(scope) as Api;
    };
    const wrong: string[] = [];
    for (const o of operations) {
      if (!o.scopes?.length) continue;
      // Only requests that cannot change anything: an id that does not exist, or a body with an unknown field.
      if (!o.params.length && o.method !== 'GET' && !o.hasBody) continue;
      const url = o.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === 'action' ? 'settle' : 'none'));
      const api = isAdmin(o)
        ? new Api(app, op, o.path.startsWith('/v1/admin/clients') || NOT_TENANT_IDS[o.key] ? {} : { 'x-l2f-client-id': w.tenant.clientId })
        : await exactly(o.scopes);
      const res =
        o.hasBody && !o.multipart ? await api.request(o.method, url, { probe_unknown_field: 1 }) : await api.request(o.method, url);
      if (res.status === 401 || res.status === 403 || res.status >= 500) wrong.push(`${o.key} -> ${res.status} ${res.raw.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
  });
});

/**
 * What the owner sees: every GET over its ids and every list, status and body. Its own reading of
 * a card's number writes a CARD_SENSITIVE_VIEWED event naming it: those are left out of its event
 * list (one naming anyone else stays in, and would show).
 */
async function ownerView(w: Workload): Promise<Map<string, string>> {
  const view = new Map<string, string>();
  for (const op of operations) {
    if (op.method !== 'GET' || isStream(op) || op.path.startsWith('/v1/admin/')) continue;
    const url = op.params.length ? fill(op, w) : op.path === '/v1/events' ? '/v1/events?page_size=100' : op.path;
    if (!url) continue;
    const res = await call(w.tenant.api, op, url);
    let raw = res.raw;
    if (op.path === '/v1/events') {
      const body = JSON.parse(raw);
      expect(body.pagination.has_more).toBe(false);
      body.data.events = body.data.events.filter(
        (e: any) => !(e.event_type === 'CARD_SENSITIVE_VIEWED' && e.event_data.card.viewed_by === w.tenant.clientId),
      );
      raw = JSON.stringify(body.data);
    }
    view.set(url, `${res.status} ${raw}`);
  }
  return view;
}

describe('(c) another tenant’s ids', () => {
  for (const [caller, owner] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`tenant ${caller} gets 404 NOT_FOUND on every operation over tenant ${owner}'s ids, writes included, and ${owner} sees nothing changed`, {
      timeout: 300_000,
    }, async () => {
      const [self, other] = [loads[caller], loads[owner]];
      const before = await ownerView(other);
      // The owner's own reads are real answers, not 404s: the probes below use live ids.
      const notOwn = [...before].filter(([url, answer]) => url.includes('{') || !answer.startsWith('200 '));
      expect(notOwn.map(([url, answer]) => `${url} -> ${answer.slice(0, 160)}`)).toEqual([]);

      const wrong: string[] = [];
      let probes = 0;
      for (const op of operations) {
        if (!op.params.length || NOT_TENANT_IDS[op.key]) continue;
        const urls = new Set([fill(op, other) as string]);
        const mixed = op.params.length > 1 && op.params.slice(1).some((p) => !NOT_OWNED_PARAMS[p]) ? fill(op, other, self) : undefined;
        if (mixed) urls.add(mixed);
        for (const url of urls) {
          const res = await call(asCaller(op, self), op, url, other);
          probes++;
          if (res.status !== 404 || res.codes.join() !== 'NOT_FOUND')
            wrong.push(`${op.key} ${url} -> ${res.status} ${res.raw.slice(0, 160)}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(probes).toBeGreaterThan(100);

      const after = await ownerView(other);
      const changed = [...before].filter(([url, answer]) => after.get(url) !== answer).map(([url]) => url);
      expect(changed).toEqual([]);
    });
  }
});
