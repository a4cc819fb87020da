import type { Client } from 'openapi-fetch';
import { type CallArgs, Core, createApiClient } from './core.js';
import type { paths } from './generated/openapi.js';
import type { PageRequest } from './pagination.js';
import {
  Accounts,
  Admin,
  Applications,
  Cards,
  Counterparties,
  Customers,
  Deposits,
  Documents,
  EventListeners,
  Events,
  Exchanges,
  Payments,
  SigningKeys,
  Simulations,
  Subscriptions,
  Transactions,
  Transfers,
  VirtualAccounts,
  Withdrawals,
} from './resources.js';
import { type PrivateKeyInput, RequestSigner } from './signing.js';
import { streamListener } from './streams.js';
import { createTransport, type FetchLike, TokenManager, type TransportOptions } from './transport.js';
import type { HttpMethod, ListItem, ListPath, PaginateArgs, RequestOptions } from './types.js';

export const VERSION = '0.1.0';

interface Shared {
  api: Client<paths>;
  tokens: TokenManager;
  core: Core;
  transport: TransportOptions;
}

export interface LedgerlineOptions {
  /** The server, with or without `/api` (`http://localhost:8080` or `https://sandbox.example/api`). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * Ed25519 private key (PKCS#8 PEM, Node KeyObject or WebCrypto CryptoKey): every POST, PATCH,
   * PUT and DELETE is then signed (CONTRACT §8), with WebCrypto (Node or browser).
   */
  privateKey?: PrivateKeyInput;
  /**
   * How the token request sends the credentials: `basic` (HTTP Basic) or `post` (form fields).
   * Default: `post` in a browser (a refused Basic login would open the browser's password
   * prompt), `basic` elsewhere.
   */
  clientAuth?: 'basic' | 'post';
  /** Scopes to ask for (default: every scope the client holds). */
  scope?: string | string[];
  /** Sent as `x-l2f-api-version` when set. */
  apiVersion?: string;
  /** Retries of a failed attempt where that is safe (default 3). */
  maxRetries?: number;
  /** Per attempt, in milliseconds (default 60 000). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: FetchLike;
}

/**
 * The Ledgerline API client.
 *
 * ```ts
 * const ledgerline = new Ledgerline({ baseUrl: 'http://localhost:8080', clientId, clientSecret });
 * const transfer = await ledgerline.transfers.create({ source_account_id, destination_account_id, amount: '10.00' });
 * await ledgerline.transfers.accept(transfer.id);
 * for await (const customer of ledgerline.customers.list({ limit: 50 })) console.log(customer.id);
 * ```
 */
export class Ledgerline {
  /** The typed openapi-fetch client on the same transport: every route of the API (`api.GET('/v1/assets')`). */
  readonly api: Client<paths>;
  readonly customers: Customers;
  readonly cards: Cards;
  readonly applications: Applications;
  readonly accounts: Accounts;
  readonly virtualAccounts: VirtualAccounts;
  readonly transactions: Transactions;
  readonly payments: Payments;
  readonly documents: Documents;
  readonly transfers: Transfers;
  readonly withdrawals: Withdrawals;
  readonly deposits: Deposits;
  readonly exchanges: Exchanges;
  readonly counterparties: Counterparties;
  readonly subscriptions: Subscriptions;
  readonly events: Events;
  readonly eventListeners: EventListeners;
  readonly signingKeys: SigningKeys;
  readonly simulations: Simulations;
  readonly admin: Admin;
  /** The base URL as given, without a trailing slash. */
  readonly baseUrl: string;
  private readonly tokens: TokenManager;
  private readonly core: Core;
  private readonly transport: TransportOptions;

  constructor(options: LedgerlineOptions);
  /** @internal A view sharing another instance's transport and tokens. */
  constructor(options: LedgerlineOptions, shared: Shared);
  constructor(options: LedgerlineOptions, shared?: Shared) {
    if (!options?.baseUrl) throw new TypeError('Ledgerline: baseUrl is required');
    if (!options.clientId || !options.clientSecret) throw new TypeError('Ledgerline: clientId and clientSecret are required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    if (shared) {
      this.api = shared.api;
      this.tokens = shared.tokens;
      this.core = shared.core;
      this.transport = shared.transport;
    } else {
      const transport: TransportOptions = {
        baseUrl: this.baseUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        clientAuth: options.clientAuth ?? (typeof (globalThis as { document?: unknown }).document === 'undefined' ? 'basic' : 'post'),
        scope: options.scope,
        signer: options.privateKey ? new RequestSigner(options.privateKey) : undefined,
        maxRetries: options.maxRetries ?? 3,
        timeoutMs: options.timeoutMs ?? 60_000,
        fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
        userAgent: `ledgerline-sdk/${VERSION}`,
        headers: options.apiVersion ? { 'x-l2f-api-version': options.apiVersion } : undefined,
      };
      this.tokens = new TokenManager(transport);
      this.api = createApiClient(this.baseUrl, createTransport(transport, this.tokens));
      this.core = new Core(this.api);
      this.transport = transport;
    }
    const core = this.core;
    this.customers = new Customers(core);
    this.cards = new Cards(core);
    this.applications = new Applications(core);
    this.accounts = new Accounts(core);
    this.virtualAccounts = new VirtualAccounts(core);
    this.transactions = new Transactions(core);
    this.payments = new Payments(core);
    this.documents = new Documents(core);
    this.transfers = new Transfers(core);
    this.withdrawals = new Withdrawals(core);
    this.deposits = new Deposits(core);
    this.exchanges = new Exchanges(core);
    this.counterparties = new Counterparties(core);
    this.subscriptions = new Subscriptions(core);
    this.events = new Events(core);
    this.eventListeners = new EventListeners(core, (id, o) => streamListener(this.transport, this.tokens, id, o));
    this.signingKeys = new SigningKeys(core);
    this.simulations = new Simulations(core);
    this.admin = new Admin(core);
    this.options = options;
  }
  private readonly options: LedgerlineOptions;

  /** Operator only: the same client acting on another client's data (`x-l2f-client-id`). */
  actingFor(clientId: string): Ledgerline {
    return new Ledgerline(this.options, {
      api: this.api,
      tokens: this.tokens,
      core: this.core.withHeaders({ 'x-l2f-client-id': clientId }),
      transport: { ...this.transport, headers: { ...this.transport.headers, 'x-l2f-client-id': clientId } },
    });
  }

  /** The client this view acts for (`x-l2f-client-id`), if any. */
  get actingForClient(): string | undefined {
    return this.transport.headers?.['x-l2f-client-id'];
  }

  /** The client id this instance signs in with. */
  get clientId(): string {
    return this.options.clientId;
  }

  /**
   * Fetches a token now and says what it grants: a wrong secret is refused here (a sign-in form
   * calls this). Calls fetch tokens by themselves; this is only for asking early.
   */
  authenticate(options: { signal?: AbortSignal } = {}): Promise<{ scope: string[]; expiresAt: number }> {
    return this.tokens.refresh(options.signal);
  }

  /**
   * Forgets the token and the client secret (held in memory only): later calls fail. Every
   * `actingFor` view of this client shares them and is signed out too.
   */
  signOut(): void {
    this.tokens.forget();
  }

  /**
   * Any route of the API (one without a resource here): the whole answer body (`{data}`, and a
   * list's `pagination` or `links`), amounts exact, refusals thrown as `LedgerlineError`. Same
   * token, idempotency key, retries and signing as the resources.
   */
  request<T = unknown>(
    method: HttpMethod,
    path: string,
    args: { query?: Record<string, unknown>; body?: unknown } = {},
    options?: RequestOptions,
  ): Promise<T> {
    return this.core.raw(method, path, args as CallArgs, options) as Promise<T>;
  }

  /**
   * Any list route, typed by its path: await it for the first page, `for await` it for every item
   * of every page (as the resources' `list`). Path parameters go in `params.path`:
   *
   * ```ts
   * for await (const line of ledgerline.paginate('/v1/accounts/payments/{account_id}/transactions', { path: { account_id }, limit: 50 }))
   *   console.log(line.id);
   * ```
   */
  paginate<P extends ListPath>(path: P, ...[params, options]: PaginateArgs<P>): PageRequest<ListItem<P>> {
    const { path: pathParams, ...query } = (params ?? {}) as { path?: Record<string, string> } & Record<string, unknown>;
    return this.core.list(path, pathParams, query as never, options);
  }

  /** A file of the API (statement PDF, withdrawal receipt, document) as a Blob, fetched with the token. */
  download(path: string, options: RequestOptions & { accept?: string } = {}): Promise<Blob> {
    const { accept = 'application/pdf', ...rest } = options;
    return this.core.raw('get', path, { parseAs: 'blob' }, { ...rest, headers: { accept, ...rest.headers } }) as Promise<Blob>;
  }

  /** How many access tokens this client fetched so far. */
  get tokensFetched(): number {
    return this.tokens.fetched;
  }
}
