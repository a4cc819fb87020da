/**
 * Isolation over the route table (issue 10, "Proof"): two tenants build the same workload with
 * the SAME external ids (customers, a corporation, accounts, a payor, an application's customer
 * and account ids, an idempotency key),
 * each with its own marker values. Then every GET route of /openapi.json is called by each tenant
 * (and by the operator acting for it), path ids filled with the shared ids or the tenant's own,
 * lists also filtered by the shared customer and account: no answer may hold any id or marker of
 * the other tenant, and the shared ids show only the caller's own data.
 *
 * It catches a repository read that forgets client_id where ids collide: dropping client_id from
 * accountsRepository.ofCustomers makes a customer's accounts[] show the other tenant's account
 * (verified by mutating it locally). Writes on the shared ids change only the caller's own
 * resources. The other probes of every route (no token, wrong scope, another tenant's
 * server-assigned ids, writes included) are route-table.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { bodyFor } from '../counterparties/_fixtures.js';
import { type Api, corporationBody, getApp, individualBody, newTenant, type Tenant, uid } from '../helpers.js';
import { adjust, ok, USD } from '../ledger/_fixtures.js';
import { individualApplication, individualDetails } from '../onboarding/_fixtures.js';

interface Workload {
  tenant: Tenant;
  /** Values only this tenant wrote: names, its own account id, server-assigned ids. */
  markers: string[];
  /** Path parameter values of this tenant's own resources. */
  params: Record<string, string>;
}

const run = uid('iso');
/** The ids both tenants use. */
const SHARED = {
  customer: `${run}-cust`,
  corporation: `${run}-corp`,
  account: `${run}-acct`,
  secondAccount: `${run}-acct2`,
  paymentAccount: `${run}-pay`,
  applicationCustomer: `${run}-appcust`,
  applicationAccount: `${run}-appacct`,
  payor: `${run}-payor`,
  /** An idempotency key is the client's own id of a request: both tenants send the same one. */
  idempotencyKey: `${run}-idem`,
};
const SHARED_VALUES = new Set(Object.values(SHARED));

let app: FastifyInstance;
let doc: any;
const loads: Record<'A' | 'B', Workload> = {} as never;

async function build(tag: 'A' | 'B'): Promise<Workload> {
  const t = await newTenant(app);
  const marker = (what: string) => `${what}${tag}${run.replace(/[^a-z0-9]/gi, '')}`;
  const name = marker('Name');
  const ownAccount = `${run}-own-${tag}`;
  const api = t.api;
  await ok(api.post('/v1/customers', individualBody(SHARED.customer, { first_name: name, tax_reference_number: marker('Tax') })));
  await ok(api.post('/v1/customers', corporationBody(SHARED.corporation, { registered_name: marker('Corp') })));
  const individual = await ok(
    api.post(`/v1/customers/${SHARED.corporation}/individuals`, {
      individual_type: ['OFFICER'],
      first_name: marker('Officer'),
      last_name: 'X',
    }),
  );
  const open = (family: 'deposits' | 'payments', id: string) =>
    ok(
      api.post(`/v1/accounts/${family}`, {
        customer_id: SHARED.customer,
        account_to_open: { account_id: id, product_id: family === 'deposits' ? 'DEPOSIT_BASIC' : 'PAYMENT_BASIC', asset_type_id: USD },
      }),
    );
  await open('deposits', SHARED.account);
  await open('deposits', ownAccount);
  await open('deposits', SHARED.secondAccount);
  await open('payments', SHARED.paymentAccount);
  await ok(adjust(t, SHARED.account, tag === 'A' ? '1234.56' : '6543.21'));
  const transfer = await ok(
    api.post('/v1/transfers', { source_account_id: SHARED.account, destination_account_id: ownAccount, amount: '10' }),
  );
  await ok(
    api.post(`/v1/customers/${SHARED.customer}/payor`, {
      id: SHARED.payor,
      first_name: marker('Payor'),
      last_name: 'X',
      state: 'NY',
      country_code: 'US',
    }),
  );
  const counterpartyBody = bodyFor('FIAT_US', SHARED.customer);
  counterpartyBody.profile = { ...counterpartyBody.profile, name: marker('Payee') };
  const counterparty = await ok(api.post('/v1/counterparties', counterpartyBody));
  const subscription = await ok(
    api.post('/v1/subscriptions', { event_type: 'CUSTOMER_ACTIVE', callback_url: `http://127.0.0.1:9/${marker('hook')}` }),
  );
  const application = await ok(
    api.post(
      '/v1/applications',
      individualApplication(individualDetails({ first_name: marker('Applicant') }), {
        customer_id: SHARED.applicationCustomer,
        account_to_open: { account_id: SHARED.applicationAccount, product_id: 'DEPOSIT_BASIC', asset_type_id: USD },
      }),
    ),
  );
  const transactions = await ok(api.get(`/v1/accounts/deposits/${SHARED.account}/transactions`));
  const events = await ok(api.get('/v1/events?page_size=5'));
  const transaction = transactions.transactions?.[0]?.id ?? 'none';
  const event = events.events?.[0]?.id ?? 'none';
  const params: Record<string, string> = {
    individual_id: individual.id,
    transaction_id: transaction,
    transfer_id: transfer.id,
    event_id: event,
    subscription_id: subscription.id,
    counterparty: counterparty.id,
    application: application.id,
    payor_id: SHARED.payor,
  };
  return {
    tenant: t,
    params,
    markers: [
      name,
      marker('Tax'),
      marker('Corp'),
      marker('Officer'),
      marker('Payee'),
      marker('hook'),
      marker('Applicant'),
      marker('Payor'),
      ownAccount,
      individual.id,
      transfer.id,
      counterparty.id,
      subscription.id,
      application.id,
      ...(transactions.transactions ?? []).map((x: any) => x.id),
      ...(events.events ?? []).map((x: any) => x.id),
    ],
  };
}

beforeAll(async () => {
  app = await getApp();
  doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  loads.A = await build('A');
  loads.B = await build('B');
}, 180_000);

/** Every GET of /openapi.json a tenant may call (not the operator's, not the event stream). */
function tenantGets(): { path: string; query: string[] }[] {
  return Object.entries<any>(doc.paths)
    .filter(([path, ops]) => ops.get && path.startsWith('/v1/') && !path.startsWith('/v1/admin/') && !path.endsWith('/stream'))
    .map(([path, ops]) => ({ path, query: ((ops.get.parameters ?? []) as any[]).filter((p) => p.in === 'query').map((p) => p.name) }));
}

/** The URLs to call for one route: its path filled with the shared ids or the tenant's own. */
function urlsFor(route: { path: string; query: string[] }, w: Workload): string[] {
  const { path } = route;
  const own = (name: string) => w.params[name] ?? 'none';
  const fillings: Record<string, string>[] = [];
  if (path.startsWith('/v1/customers/')) {
    fillings.push({ id: SHARED.customer }, { id: SHARED.corporation });
  } else if (path.startsWith('/v1/counterparties/')) fillings.push({ id: own('counterparty') });
  else if (path.startsWith('/v1/applications/')) fillings.push({ id: own('application') });
  else fillings.push({ id: 'none' });
  const urls: string[] = [];
  for (const filling of fillings) {
    const filled = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      if (name in filling) return filling[name] as string;
      if (name === 'account_id') return path.includes('/payments/') ? SHARED.paymentAccount : SHARED.account;
      return own(name);
    });
    urls.push(filled);
    if (route.query.includes('customer_id')) urls.push(`${filled}?customer_id=${SHARED.customer}`);
    if (route.query.includes('account_id')) urls.push(`${filled}?account_id=${SHARED.account}`);
  }
  return urls;
}

async function sweep(api: Api, w: Workload): Promise<{ url: string; status: number; raw: string }[]> {
  const out: { url: string; status: number; raw: string }[] = [];
  for (const route of tenantGets()) {
    for (const url of urlsFor(route, w)) {
      const res = await api.get(url);
      out.push({ url, status: res.status, raw: res.raw });
    }
  }
  return out;
}

function leaks(answers: { url: string; raw: string }[], foreign: string[]): string[] {
  return answers.flatMap((a) => foreign.filter((m) => a.raw.includes(m)).map((m) => `${a.url} shows ${m}`));
}

describe('two tenants with the same ids, every GET route', () => {
  it('the workloads hold what the sweep looks for (sanity)', () => {
    for (const w of [loads.A, loads.B]) {
      expect(Object.values(w.params)).not.toContain('none');
      expect(w.markers.length).toBeGreaterThan(15);
      for (const m of w.markers) expect(SHARED_VALUES.has(m)).toBe(false);
    }
    expect(tenantGets().length).toBeGreaterThan(45);
  });

  for (const [self, other] of [
    ['A', 'B'],
    ['B', 'A'],
  ] as const) {
    it(`tenant ${self} sees none of tenant ${other}'s data, and its own data under the shared ids`, { timeout: 180_000 }, async () => {
      const w = loads[self];
      const answers = await sweep(w.tenant.api, w);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(leaks(answers, loads[other].markers)).toEqual([]);
      // Its own data is there: the sweep reads real answers, not 404s.
      const seen = w.markers.filter((m) => answers.some((a) => a.raw.includes(m)));
      expect(seen.length).toBeGreaterThanOrEqual(w.markers.length - 2);

      const customer = (await w.tenant.api.get(`/v1/customers/${SHARED.customer}`)).body.data;
      expect(customer.first_name).toContain(`Name${self}`);
      expect(customer.accounts.map((a: any) => a.id).sort()).toEqual(
        [SHARED.account, SHARED.secondAccount, `${run}-own-${self}`, SHARED.paymentAccount].sort(),
      );
      const accounts = (await w.tenant.api.get(`/v1/accounts/deposits?customer_id=${SHARED.customer}`)).body.data.accounts;
      expect(accounts.map((a: any) => a.id).sort()).toEqual([SHARED.account, SHARED.secondAccount, `${run}-own-${self}`].sort());
      const corporation = (await w.tenant.api.get(`/v1/customers/${SHARED.corporation}`)).body.data;
      expect(corporation.individuals.map((i: any) => i.id)).toEqual([w.params.individual_id]);
    });

    it(`the operator acting for tenant ${self} sees none of tenant ${other}'s data`, { timeout: 180_000 }, async () => {
      const w = loads[self];
      const answers = await sweep(w.tenant.operator, w);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(leaks(answers, loads[other].markers)).toEqual([]);
    });
  }

  it('the same idempotency key, path and body from both tenants: each its own transfer, never the other’s stored answer', async () => {
    const [a, b] = [loads.A.tenant, loads.B.tenant];
    const body = { source_account_id: SHARED.account, destination_account_id: SHARED.secondAccount, amount: '1.25' };
    const headers = { 'x-l2f-idempotency-id': SHARED.idempotencyKey };
    const first = await ok(a.api.post('/v1/transfers', body, headers));
    const second = await b.api.post('/v1/transfers', body, headers);
    expect(second.status, second.raw).toBe(200);
    expect(second.headers['x-l2f-idempotent-replay']).toBeUndefined();
    expect(second.body.data.id).not.toBe(first.id);
    // Each sees its own transfer only; a retry by A is still A's replay.
    expect((await b.api.get(`/v1/transfers/${first.id}`)).status).toBe(404);
    expect((await ok(b.api.get(`/v1/transfers/${second.body.data.id}`))).source_details.source_account_id).toBe(SHARED.account);
    const retry = await a.api.post('/v1/transfers', body, headers);
    expect(retry.headers['x-l2f-idempotent-replay']).toBe('true');
    expect(retry.body.data.id).toBe(first.id);
  });

  it('writes on the shared ids change only the caller’s own resources', async () => {
    const [a, b] = [loads.A.tenant.api, loads.B.tenant.api];
    const before = {
      customer: (await b.get(`/v1/customers/${SHARED.customer}`)).raw,
      account: (await b.get(`/v1/accounts/deposits/${SHARED.account}`)).raw,
      payment: (await b.get(`/v1/accounts/payments/${SHARED.paymentAccount}`)).raw,
      payor: (await b.get(`/v1/customers/${SHARED.customer}/payors/${SHARED.payor}`)).raw,
    };
    const email = `${run.replace(/[^a-z0-9]/gi, '')}@a.example`;
    const patch = (field: string, value: string) => ({ updates: [{ field, value }], updated_by: 'A', reason: 'isolation' });
    expect((await ok(a.patch(`/v1/customers/${SHARED.customer}`, patch('email_address', email)))).email_address).toBe(email);
    expect((await ok(a.patch(`/v1/accounts/deposits/${SHARED.account}`, patch('status', 'FROZEN')))).status).toBe('FROZEN');
    expect((await ok(a.patch(`/v1/accounts/payments/${SHARED.paymentAccount}`, patch('status', 'FROZEN')))).status).toBe('FROZEN');
    // A's second payor under the shared customer: B's customer has still only its own.
    await ok(
      a.post(`/v1/customers/${SHARED.customer}/payor`, {
        id: `${SHARED.payor}-2`,
        first_name: 'P',
        last_name: 'X',
        state: 'NY',
        country_code: 'US',
      }),
    );
    expect((await b.get(`/v1/customers/${SHARED.customer}/payors/${SHARED.payor}-2`)).status).toBe(404);
    const after = {
      customer: (await b.get(`/v1/customers/${SHARED.customer}`)).raw,
      account: (await b.get(`/v1/accounts/deposits/${SHARED.account}`)).raw,
      payment: (await b.get(`/v1/accounts/payments/${SHARED.paymentAccount}`)).raw,
      payor: (await b.get(`/v1/customers/${SHARED.customer}/payors/${SHARED.payor}`)).raw,
    };
    expect(after).toEqual(before);
    expect(JSON.parse(after.account).data.status).toBe('OPEN');
  });
});
