/**
 * The console's calls, all through `@ledgerline/sdk` (CONTRACT §15, §16): tokens, the
 * idempotency key on every POST/PATCH/PUT/DELETE kept across retries, safe retries, exact amounts
 * (strings, never a float) and `LedgerlineError` refusals are the SDK's. This module only adapts
 * the SDK to the pages: a page size, filters left empty dropped, counts for the overview, and the
 * routes the SDK has no resource for (cards, documents, assets) through `sdk.request`.
 *
 * It runs in a browser tab: the token and the secret that refreshes it live in the SDK object's
 * memory only (never the browser's local or session storage, nor a cookie), and `signOut` forgets both. The
 * operator acts for a client through the SDK's `actingFor` (`x-l2f-client-id` on every call).
 */
import { Ledgerline, LedgerlineError, type Page } from '@ledgerline/sdk';

export { LedgerlineError, type Page };

type Query = Record<string, string | number | boolean | undefined | null>;
const PAGE_SIZE = 20;
const enc = encodeURIComponent;

/** The query without the filters left empty (the API refuses `status=`). */
function clean(query: Query = {}): Record<string, any> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
const paged = (query?: Query): any => ({ limit: PAGE_SIZE, ...clean(query) });

/** Scopes that unmask personal identifiers and card numbers (CONTRACT §17): never the console's. */
export const SENSITIVE_SCOPES = ['customers:sensitive', 'cards:sensitive'];

export interface TokenInfo {
  scope: string[];
  expiresAt: number;
}

export class ConsoleApi {
  /** The SDK client of this view: the signed-in client itself, or the operator acting for a client. */
  readonly sdk: Ledgerline;
  private readonly root: Ledgerline;

  constructor(sdk: Ledgerline, root: Ledgerline = sdk) {
    this.sdk = sdk;
    this.root = root;
  }

  /**
   * Signs in with client credentials: the token is fetched now, so a wrong secret is refused here.
   * The console's token holds every scope the client holds except the sensitive ones: personal
   * identifiers and card numbers then come masked from the API (`*****6789`), and the console has
   * no action that reveals them, so it never asks for those scopes.
   */
  static async signIn(baseUrl: string, clientId: string, clientSecret: string): Promise<{ api: ConsoleApi; token: TokenInfo }> {
    // clientAuth "post": credentials as form fields; a refused HTTP Basic login would make the
    // browser open its own password prompt.
    const open = (scope?: string[]) =>
      new Ledgerline({ baseUrl, clientId, clientSecret, clientAuth: 'post', maxRetries: 2, ...(scope && { scope }) });
    // What the client holds is known from a token: the first one asks for everything, and is
    // dropped for a narrower one when it holds a sensitive scope.
    const probe = open();
    const held = await probe.authenticate();
    const wanted = held.scope.filter((s) => !SENSITIVE_SCOPES.includes(s));
    if (wanted.length === held.scope.length) return { api: new ConsoleApi(probe), token: held };
    probe.signOut();
    const sdk = open(wanted);
    const token = await sdk.authenticate();
    return { api: new ConsoleApi(sdk), token };
  }

  get clientId(): string {
    return this.root.clientId;
  }

  /** The client the operator acts for (`x-l2f-client-id`), or none. */
  get actingFor(): string | undefined {
    return this.sdk.actingForClient;
  }

  /** The same sign-in acting for another client (operator only); `undefined`: its own data. */
  as(clientId: string | undefined): ConsoleApi {
    return new ConsoleApi(clientId ? this.root.actingFor(clientId) : this.root, this.root);
  }

  /** Forgets the token and the secret (sign-out). */
  forget(): void {
    this.root.signOut();
  }

  /** Any route answered `{data}`: its data, amounts exact. */
  async request<T = any>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, opts: { body?: unknown; query?: Query } = {}) {
    const body = await this.sdk.request<{ data: T }>(method.toLowerCase() as 'get', path, {
      ...(opts.query && { query: clean(opts.query) }),
      ...(opts.body !== undefined && { body: opts.body }),
    });
    return body?.data as T;
  }

  /** One page of a list route the SDK has no resource for (cursor style). */
  private async page(path: string, plural: string, query?: Query): Promise<Page<any>> {
    const body = await this.sdk.request<any>('get', path, { query: paged(query) });
    return {
      data: body?.data?.[plural] ?? [],
      hasMore: Boolean(body?.pagination?.has_more),
      nextCursor: body?.pagination?.next_cursor ?? null,
    };
  }

  /** Every item of a list, following its cursors, 100 a page. */
  private async all(path: string, plural: string, query?: Query): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.page(path, plural, { ...query, limit: 100, cursor });
      items.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** How many items a list holds: page style with one item a page, read from `links.last`. */
  async count(path: string, plural: string, query: Query = {}): Promise<number> {
    const body = await this.sdk.request<any>('get', path, { query: { ...clean(query), page: 0, page_size: 1 } });
    if (!(body?.data?.[plural] ?? []).length) return 0;
    const last = body.links?.last ? new URL(body.links.last, 'http://x').searchParams.get('page') : null;
    return last === null ? 1 : Number(last) + 1;
  }

  private counter(path: string, plural: string) {
    return (query: Query = {}) => this.count(path, plural, query);
  }

  get customers() {
    const c = this.sdk.customers;
    return {
      list: (q?: Query) => c.list(paged(q)),
      retrieve: (id: string) => c.retrieve(id),
      count: this.counter('/v1/customers', 'customers'),
      update: (id: string, body: unknown) => c.update(id, body as any),
      history: (id: string, q?: Query) => c.history(id, paged(q)),
      individuals: (id: string, q?: Query) => c.individuals.list(id, paged(q)),
    };
  }

  get applications() {
    const a = this.sdk.applications;
    return {
      list: (q?: Query) => a.list(paged(q)),
      retrieve: (id: string) => a.retrieve(id),
      count: this.counter('/v1/applications', 'applications'),
      status: (id: string) => a.status(id),
      history: (id: string, q?: Query) => a.history(id, paged(q)),
    };
  }

  get documents() {
    return {
      retrieve: (id: string) => this.request('GET', `/v1/documents/${enc(id)}`),
      download: (id: string) => this.sdk.download(`/v1/documents/${enc(id)}/download`, { accept: '*/*' }),
    };
  }

  get accounts() {
    const d = this.sdk.accounts.deposits;
    return {
      deposits: {
        list: (q?: Query) => d.list(paged(q)),
        retrieve: (id: string) => d.retrieve(id),
        count: this.counter('/v1/accounts/deposits', 'accounts'),
        update: (id: string, body: unknown) => d.update(id, body as any),
        history: (id: string, q?: Query) => d.history(id, paged(q)),
        transactions: (id: string, q?: Query) => d.transactions(id, paged(q)),
        statements: (id: string) => this.request('GET', `/v1/accounts/deposits/${enc(id)}/statements`, { query: { page_size: 100 } }),
        statementPdf: (id: string, statementId: string) =>
          this.sdk.download(`/v1/accounts/deposits/${enc(id)}/statements/${enc(statementId)}`),
      },
    };
  }

  get transfers() {
    const t = this.sdk.transfers;
    return {
      list: (q?: Query) => t.list(paged(q)),
      retrieve: (id: string) => t.retrieve(id),
      count: this.counter('/v1/transfers', 'transfers'),
      accept: (id: string) => t.accept(id),
      cancel: (id: string) => t.cancel(id),
    };
  }

  get deposits() {
    const d = this.sdk.deposits;
    return {
      list: (q?: Query) => d.list(paged(q)),
      retrieve: (id: string) => d.retrieve(id),
      count: this.counter('/v1/deposits', 'deposits'),
    };
  }

  get withdrawals() {
    const w = this.sdk.withdrawals;
    return {
      list: (q?: Query) => w.list(paged(q)),
      retrieve: (id: string) => w.retrieve(id),
      count: this.counter('/v1/withdrawals', 'withdrawals'),
      cancel: (id: string) => w.cancel(id),
      receipt: (id: string) => this.sdk.download(`/v1/withdrawals/${enc(id)}/receipt`),
    };
  }

  get exchanges() {
    const x = this.sdk.exchanges;
    return {
      list: (q?: Query) => x.list(paged(q)),
      retrieve: (id: string) => x.retrieve(id),
      count: this.counter('/v1/exchanges', 'exchanges'),
    };
  }

  get counterparties() {
    const c = this.sdk.counterparties;
    return {
      list: (q?: Query) => c.list(paged(q)),
      retrieve: (id: string) => c.retrieve(id),
      count: this.counter('/v1/counterparties', 'counterparties'),
      update: (id: string, body: unknown) => c.update(id, body as any),
      history: (id: string, q?: Query) => c.history(id, paged(q)),
    };
  }

  get cards() {
    const c = this.sdk.cards;
    return {
      list: (q?: Query) => c.list(paged(q)),
      retrieve: (id: string) => c.retrieve(id),
      count: this.counter('/v1/cards', 'cards'),
      update: (id: string, body: unknown) => c.update(id, body as any),
      activate: (id: string, body: { last4: string }) => c.activate(id, body),
      authorizations: (id: string, q?: Query) => c.authorizations(id, paged(q)),
      authorization: (id: string) => c.retrieveAuthorization(id),
    };
  }

  /** Virtual accounts (CONTRACT §14): the SDK has no resource for them yet. */
  get virtualAccounts() {
    return {
      list: (accountId: string, q?: Query) => this.page(`/v1/accounts/deposits/${enc(accountId)}/virtual-accounts`, 'virtual_accounts', q),
      create: (accountId: string, body: { rail: string; name?: string }) =>
        this.request('POST', `/v1/accounts/deposits/${enc(accountId)}/virtual-accounts`, { body }),
      update: (id: string, body: { status?: string; name?: string }) => this.request('PATCH', `/v1/virtual-accounts/${enc(id)}`, { body }),
    };
  }

  get subscriptions() {
    const s = this.sdk.subscriptions;
    return {
      list: (q?: Query) => s.list(paged(q)),
      retrieve: (id: string) => s.retrieve(id),
      count: this.counter('/v1/subscriptions', 'subscriptions'),
      create: (body: { event_type: string; callback_url: string }) => s.create(body as any),
      delete: (id: string) => s.delete(id),
      deliveries: (id: string, q?: Query) => s.deliveries(id, paged(q)),
    };
  }

  get events() {
    const e = this.sdk.events;
    return {
      list: (q?: Query) => e.list(paged(q)),
      retrieve: (id: string) => e.retrieve(id),
      count: this.counter('/v1/events', 'events'),
      redeliver: (id: string, body: { subscription_id?: string } = {}) => this.request('POST', `/v1/events/${enc(id)}/redeliver`, { body }),
    };
  }

  get assets() {
    return { list: () => this.request<{ assets: any[] }>('GET', '/v1/assets') };
  }

  get simulations() {
    const s = this.sdk.simulations;
    return {
      deposits: { create: (body: unknown) => s.deposits.create(body as any) },
      clock: { advance: (advance_seconds: number) => s.clock.advance({ advance_seconds }) },
      applications: { decision: (id: string, body: unknown) => s.applications.decide(id, body as any) },
      counterparties: { screening: (id: string, body: { result: string; reason?: string }) => s.counterparties.screen(id, body as any) },
      cards: {
        authorize: (id: string, body: unknown) => s.cards.authorize(id, body as any),
      },
    };
  }

  get admin() {
    const a = this.sdk.admin;
    return {
      clients: {
        /** Every client (the switcher lists them all), 100 a request. */
        list: () => this.all('/v1/admin/clients', 'clients'),
        page: (q?: Query) => this.page('/v1/admin/clients', 'clients', q),
        create: (body: unknown) => a.clients.create(body as any),
        update: (id: string, body: unknown) => a.clients.update(id, body as any),
        rotateSecret: (id: string) => a.clients.rotateSecret(id),
      },
      suspense: {
        page: (q?: Query) => this.page('/v1/admin/suspense', 'items', q),
        assign: (id: string, account_id: string) => a.suspense.assign(id, { account_id } as any),
      },
      ledger: { verify: () => a.ledger.verify() },
      applications: {
        decision: (id: string, body: { decision: string; reason: string; fields?: string[]; documents?: string[] }) =>
          a.applications.decide(id, body as any),
      },
      documents: { review: (id: string, body: { decision: string; reason: string }) => a.documents.review(id, body as any) },
    };
  }
}
