/**
 * Every call the console makes to the API goes through this module. Its shape follows
 * `@ledgerline/sdk` (CONTRACT §16): `new Ledgerline({baseUrl, clientId, clientSecret})`, resources
 * named after the API's paths with `list` / `retrieve` / `update` and their actions, `list()`
 * awaitable as one page and async-iterable across pages (cursor style, `limit`), refusals thrown
 * as `LedgerlineError` with `status`, `code`, `field`, `requestId` and `errors[]`, an idempotency
 * key on every POST/PATCH/PUT/DELETE kept across retries.
 *
 * Two things differ from a server-side SDK on purpose: responses are parsed losslessly (json.ts),
 * because the console shows amounts to the last of 18 decimals; and it runs in a browser tab, so
 * the token (and the credentials that refresh it) live in this object's memory only — never in
 * localStorage, sessionStorage or a cookie.
 */
import { parseJson } from './json';

export interface ApiErrorEntry {
  code: string;
  description: string;
  field?: string;
}

export class LedgerlineError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: ApiErrorEntry[];
  constructor(status: number, errors: ApiErrorEntry[], requestId?: string) {
    const first = errors[0] ?? { code: 'UNKNOWN_ERROR', description: `HTTP ${status}` };
    super(`${first.code}: ${first.description}`);
    this.name = 'LedgerlineError';
    this.status = status;
    this.code = first.code;
    this.field = first.field;
    this.requestId = requestId;
    this.errors = errors.length ? errors : [first];
  }
}

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** One page when awaited; every item of every page with `for await`. */
export class PageRequest<T> implements PromiseLike<Page<T>>, AsyncIterable<T> {
  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {}
  // biome-ignore lint/suspicious/noThenProperty: awaitable like the SDK's list()
  then<A = Page<T>, B = never>(ok?: ((p: Page<T>) => A | PromiseLike<A>) | null, ko?: ((e: unknown) => B | PromiseLike<B>) | null) {
    return this.fetchPage(undefined).then(ok, ko);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let cursor: string | undefined;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield* page.data;
      if (!page.hasMore || !page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }
}

export interface LedgerlineOptions {
  /** Where the API is; with or without `/api`. The console passes its own origin. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  maxRetries?: number;
}

export interface TokenInfo {
  scope: string[];
  expiresAt: number;
}

/** A v4 UUID from getRandomValues (crypto.randomUUID exists only in secure contexts). */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Credentials and the current token: shared by every acting-for view of one sign-in. */
class Session {
  token: { value: string; expiresAt: number; scope: string[] } | undefined;
  constructor(readonly opts: Required<Pick<LedgerlineOptions, 'baseUrl' | 'clientId' | 'clientSecret'>> & LedgerlineOptions) {}

  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > 30_000) return this.token.value;
    return this.fetchToken();
  }

  async fetchToken(): Promise<string> {
    const f = this.opts.fetch ?? fetch;
    // Credentials as form fields (CONTRACT §1 allows Basic or the form): a 401 to HTTP Basic carries a
    // Basic challenge, which would make the browser open its own password prompt.
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
    });
    let res: Response;
    try {
      res = await f(`${this.opts.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
      });
    } catch {
      throw new LedgerlineError(0, [{ code: 'CONNECTION_ERROR', description: 'The server could not be reached.' }]);
    }
    const text = await res.text();
    let body: any;
    try {
      body = text ? parseJson(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok || typeof body?.access_token !== 'string') {
      // RFC 6749 errors at this endpoint ({error, error_description}), the catalogue's elsewhere.
      const entries: ApiErrorEntry[] = Array.isArray(body?.errors)
        ? body.errors
        : [{ code: String(body?.error ?? `HTTP_${res.status}`), description: String(body?.error_description ?? res.statusText) }];
      throw new LedgerlineError(res.status, entries, res.headers.get('x-l2f-request-id') ?? undefined);
    }
    const ttl = Number(body.expires_in ?? 900) * 1000;
    this.token = {
      value: body.access_token,
      expiresAt: Date.now() + ttl,
      scope: String(body.scope ?? '')
        .split(/[ +]/)
        .filter(Boolean),
    };
    return body.access_token;
  }
}

export interface CallOptions {
  query?: Query;
  body?: unknown;
  accept?: string;
}

export class Ledgerline {
  private readonly session: Session;
  /** The client the operator acts for (`x-l2f-client-id`), or none. */
  readonly actingFor: string | undefined;

  constructor(opts: LedgerlineOptions, session?: Session, actingFor?: string) {
    const baseUrl = opts.baseUrl.replace(/\/+$/, '').replace(/\/api$/, '');
    this.session = session ?? new Session({ ...opts, baseUrl });
    this.actingFor = actingFor;
  }

  /** Fetches the first token: a wrong secret is refused here, at sign-in. */
  async signIn(): Promise<TokenInfo> {
    await this.session.fetchToken();
    const t = this.session.token!;
    return { scope: t.scope, expiresAt: t.expiresAt };
  }

  get clientId(): string {
    return this.session.opts.clientId;
  }

  /** The same sign-in acting for another client (operator only); `undefined`: its own data. */
  as(clientId: string | undefined): Ledgerline {
    return new Ledgerline(this.session.opts, this.session, clientId || undefined);
  }

  /** Forgets the token and the credentials (sign-out). */
  forget(): void {
    this.session.token = undefined;
    (this.session.opts as { clientSecret: string }).clientSecret = '';
  }

  private url(path: string, query?: Query): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const qs = q.toString();
    return `${this.session.opts.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  private async send(method: string, path: string, opts: CallOptions): Promise<Response> {
    const f = this.session.opts.fetch ?? fetch;
    const mutating = method !== 'GET';
    const key = mutating ? uuid() : undefined;
    const retries = this.session.opts.maxRetries ?? 2;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.session.get();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: opts.accept ?? 'application/json' };
      if (key) headers['x-l2f-idempotency-id'] = key;
      if (this.actingFor) headers['x-l2f-client-id'] = this.actingFor;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      let res: Response;
      try {
        res = await f(this.url(path, opts.query), {
          method,
          headers,
          ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
        });
      } catch {
        if (attempt < retries) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new LedgerlineError(0, [{ code: 'CONNECTION_ERROR', description: 'The server could not be reached.' }]);
      }
      if (res.ok) return res;
      const text = await res.text();
      let body: any;
      try {
        body = text ? parseJson(text) : undefined;
      } catch {
        body = undefined;
      }
      const errors: ApiErrorEntry[] = Array.isArray(body?.errors)
        ? body.errors
        : [{ code: `HTTP_${res.status}`, description: res.statusText }];
      const code = errors[0]?.code;
      if (res.status === 401 && !refreshed && (code === 'TOKEN_EXPIRED' || code === 'UNAUTHORIZED') && this.session.opts.clientSecret) {
        refreshed = true;
        this.session.token = undefined;
        continue;
      }
      const safe = res.status >= 500 || res.status === 429 || (res.status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS');
      if (safe && attempt < retries) {
        const after = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 5) * 1000 : 250 * 2 ** attempt);
        continue;
      }
      throw new LedgerlineError(res.status, errors, res.headers.get('x-l2f-request-id') ?? undefined);
    }
  }

  /** Any route, answered `{data}`: returns `data`, parsed losslessly. */
  async request<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts);
    const text = await res.text();
    return (text ? parseJson(text).data : undefined) as T;
  }

  /** A file (statement PDF, document): fetched with the token, handed over as a Blob. */
  async blob(path: string, accept = 'application/pdf'): Promise<Blob> {
    const res = await this.send('GET', path, { accept });
    return res.blob();
  }

  /** A list route, cursor style: `{data:{<plural>:[…]}, pagination:{has_more, next_cursor}}`. */
  pages<T = any>(path: string, plural: string, query: Query = {}): PageRequest<T> {
    return new PageRequest<T>(async (cursor) => {
      const res = await this.send('GET', path, { query: { limit: 20, ...query, ...(cursor && { cursor }) } });
      const body = parseJson(await res.text());
      return {
        data: (body.data?.[plural] ?? []) as T[],
        hasMore: Boolean(body.pagination?.has_more),
        nextCursor: body.pagination?.next_cursor ?? null,
      };
    });
  }

  /** How many items a list holds: page style with one item a page, read from `links.last`. */
  async count(path: string, plural: string, query: Query = {}): Promise<number> {
    const res = await this.send('GET', path, { query: { ...query, page: 0, page_size: 1 } });
    const body = parseJson(await res.text());
    if (!(body.data?.[plural] ?? []).length) return 0;
    const last = body.links?.last ? new URL(body.links.last, 'http://x').searchParams.get('page') : null;
    return last === null ? 1 : Number(last) + 1;
  }

  private resource(path: string, plural: string) {
    return {
      list: (query: Query = {}) => this.pages(path, plural, query),
      retrieve: (id: string) => this.request('GET', `${path}/${encodeURIComponent(id)}`),
      count: (query: Query = {}) => this.count(path, plural, query),
    };
  }

  readonly customers = {
    ...this.resource('/v1/customers', 'customers'),
    update: (id: string, body: unknown) => this.request('PATCH', `/v1/customers/${encodeURIComponent(id)}`, { body }),
    history: (id: string, query: Query = {}) => this.pages(`/v1/customers/${encodeURIComponent(id)}/history`, 'history', query),
    individuals: (id: string, query: Query = {}) => this.pages(`/v1/customers/${encodeURIComponent(id)}/individuals`, 'individuals', query),
  };

  readonly applications = {
    ...this.resource('/v1/applications', 'applications'),
    status: (id: string) => this.request('GET', `/v1/applications/${encodeURIComponent(id)}/status`),
    history: (id: string, query: Query = {}) => this.pages(`/v1/applications/${encodeURIComponent(id)}/history`, 'history', query),
  };

  readonly documents = {
    retrieve: (id: string) => this.request('GET', `/v1/documents/${encodeURIComponent(id)}`),
    download: (id: string) => this.blob(`/v1/documents/${encodeURIComponent(id)}/download`, '*/*'),
  };

  readonly accounts = {
    deposits: {
      ...this.resource('/v1/accounts/deposits', 'accounts'),
      update: (id: string, body: unknown) => this.request('PATCH', `/v1/accounts/deposits/${encodeURIComponent(id)}`, { body }),
      history: (id: string, query: Query = {}) => this.pages(`/v1/accounts/deposits/${encodeURIComponent(id)}/history`, 'history', query),
      transactions: (id: string, query: Query = {}) =>
        this.pages(`/v1/accounts/deposits/${encodeURIComponent(id)}/transactions`, 'transactions', query),
      statements: (id: string) =>
        this.request('GET', `/v1/accounts/deposits/${encodeURIComponent(id)}/statements`, { query: { page_size: 100 } }),
      statementPdf: (id: string, statementId: string) =>
        this.blob(`/v1/accounts/deposits/${encodeURIComponent(id)}/statements/${encodeURIComponent(statementId)}`),
    },
  };

  readonly transfers = {
    ...this.resource('/v1/transfers', 'transfers'),
    accept: (id: string) => this.request('POST', `/v1/transfers/${encodeURIComponent(id)}/accept`),
    cancel: (id: string) => this.request('POST', `/v1/transfers/${encodeURIComponent(id)}/cancel`),
  };

  readonly deposits = this.resource('/v1/deposits', 'deposits');

  readonly withdrawals = {
    ...this.resource('/v1/withdrawals', 'withdrawals'),
    cancel: (id: string) => this.request('POST', `/v1/withdrawals/${encodeURIComponent(id)}/cancel`),
    receipt: (id: string) => this.blob(`/v1/withdrawals/${encodeURIComponent(id)}/receipt`),
  };

  readonly exchanges = this.resource('/v1/exchanges', 'exchanges');

  readonly counterparties = {
    ...this.resource('/v1/counterparties', 'counterparties'),
    update: (id: string, body: unknown) => this.request('PATCH', `/v1/counterparties/${encodeURIComponent(id)}`, { body }),
    history: (id: string, query: Query = {}) => this.pages(`/v1/counterparties/${encodeURIComponent(id)}/history`, 'history', query),
  };

  readonly cards = {
    ...this.resource('/v1/cards', 'cards'),
    update: (id: string, body: unknown) => this.request('PATCH', `/v1/cards/${encodeURIComponent(id)}`, { body }),
    authorizations: (id: string, query: Query = {}) =>
      this.pages(`/v1/cards/${encodeURIComponent(id)}/authorizations`, 'authorizations', query),
  };

  readonly subscriptions = {
    ...this.resource('/v1/subscriptions', 'subscriptions'),
    create: (body: { event_type: string; callback_url: string }) => this.request('POST', '/v1/subscriptions', { body }),
    delete: (id: string) => this.request('DELETE', `/v1/subscriptions/${encodeURIComponent(id)}`),
    deliveries: (id: string, query: Query = {}) =>
      this.pages(`/v1/subscriptions/${encodeURIComponent(id)}/deliveries`, 'deliveries', query),
  };

  readonly events = {
    ...this.resource('/v1/events', 'events'),
    redeliver: (id: string, body: { subscription_id?: string } = {}) =>
      this.request('POST', `/v1/events/${encodeURIComponent(id)}/redeliver`, { body }),
  };

  readonly assets = {
    list: () => this.request<{ assets: any[] }>('GET', '/v1/assets'),
  };

  readonly simulations = {
    deposits: {
      create: (body: unknown) => this.request('POST', '/v1/simulations/deposits', { body }),
    },
    clock: {
      advance: (advance_seconds: number) => this.request('POST', '/v1/simulations/clock', { body: { advance_seconds } }),
    },
    applications: {
      decision: (id: string, body: unknown) =>
        this.request('POST', `/v1/simulations/applications/${encodeURIComponent(id)}/decision`, { body }),
    },
    counterparties: {
      screening: (id: string, body: { result: string; reason?: string }) =>
        this.request('POST', `/v1/simulations/counterparties/${encodeURIComponent(id)}/screening`, { body }),
    },
    cards: {
      authorize: (id: string, body: unknown) =>
        this.request('POST', `/v1/simulations/cards/${encodeURIComponent(id)}/authorizations`, { body }),
    },
  };

  readonly admin = {
    clients: {
      list: () => this.request<{ clients: any[] }>('GET', '/v1/admin/clients').then((d) => d.clients),
      create: (body: unknown) => this.request('POST', '/v1/admin/clients', { body }),
      update: (id: string, body: unknown) => this.request('PATCH', `/v1/admin/clients/${encodeURIComponent(id)}`, { body }),
      rotateSecret: (id: string) => this.request('POST', `/v1/admin/clients/${encodeURIComponent(id)}/rotate-secret`),
    },
    suspense: {
      list: () => this.request<{ items: any[] }>('GET', '/v1/admin/suspense').then((d) => d.items),
      assign: (id: string, account_id: string) =>
        this.request('POST', `/v1/admin/suspense/${encodeURIComponent(id)}/assign`, { body: { account_id } }),
    },
    ledger: {
      verify: () => this.request('GET', '/v1/admin/ledger/verify'),
    },
    applications: {
      decision: (id: string, body: { decision: string; reason: string; fields?: string[]; documents?: string[] }) =>
        this.request('POST', `/v1/admin/applications/${encodeURIComponent(id)}/decision`, { body }),
    },
    documents: {
      review: (id: string, body: { decision: string; reason: string }) =>
        this.request('POST', `/v1/admin/documents/${encodeURIComponent(id)}/review`, { body }),
    },
  };
}
