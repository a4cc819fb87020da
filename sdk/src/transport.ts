import { uuid } from './bytes.js';
import { errorFromResponse, LedgerlineConnectionError, LedgerlineError } from './errors.js';
import { quoteAmounts } from './json.js';
import type { RequestSigner } from './signing.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Origin plus optional `/api`, without a trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /**
   * How the token request carries the credentials: HTTP Basic (`client_secret_basic`) or form
   * fields (`client_secret_post`). A browser gets the form: a refused Basic login answers with a
   * Basic challenge, which makes the browser open its own password prompt.
   */
  clientAuth: 'basic' | 'post';
  /** Scopes to ask for (default: every scope the client holds). */
  scope?: string | string[] | undefined;
  signer?: RequestSigner | undefined;
  maxRetries: number;
  timeoutMs: number;
  fetch: FetchLike;
  userAgent: string;
  /** Extra headers on every API request (not the token request). */
  headers?: Record<string, string> | undefined;
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** 401 codes that mean the token itself was refused (not, say, a missing signature). */
const TOKEN_REFUSED = new Set(['TOKEN_EXPIRED', 'UNAUTHORIZED']);
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Exponential backoff with jitter: ~0.5 s, 1 s, 2 s, … capped at 8 s. */
export function backoffMs(attempt: number): number {
  const base = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
  return Math.round(base * (0.5 + Math.random() * 0.5));
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.min(MAX_RETRY_AFTER_MS, Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { errors?: { code?: string }[] };
    return body.errors?.[0]?.code;
  } catch {
    return undefined;
  }
}

/** Client-credentials tokens (CONTRACT §1), fetched on first use and refreshed before they expire. */
export class TokenManager {
  private token: { value: string; expiresAt: number; scope: string[] } | undefined;
  private pending: Promise<string> | undefined;
  /** How many tokens were fetched (observability; tests read it). */
  fetched = 0;

  constructor(private readonly opts: TransportOptions) {}

  /** A token valid for a while yet: refreshed when less than a fifth of its life (at most 60 s) remains. */
  async get(signal?: AbortSignal | null): Promise<string> {
    const t = this.token;
    if (t && Date.now() < t.expiresAt) return t.value;
    this.pending ??= this.fetchToken(signal).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forget the current token (the server refused it): the next call fetches another. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  /** Fetches a token now (a wrong secret is refused here), whatever is held. */
  async refresh(signal?: AbortSignal | null): Promise<{ scope: string[]; expiresAt: number }> {
    this.token = undefined;
    await this.get(signal);
    const t = this.token as unknown as { scope: string[]; expiresAt: number };
    return { scope: [...t.scope], expiresAt: t.expiresAt };
  }

  /** Forgets the token and the secret: nothing can be fetched any more. */
  forget(): void {
    this.token = undefined;
    this.opts.clientSecret = '';
  }

  private async fetchToken(signal?: AbortSignal | null): Promise<string> {
    const { baseUrl, clientId, clientSecret, scope } = this.opts;
    if (!clientSecret) {
      throw new LedgerlineError({
        status: 401,
        errors: [{ code: 'UNAUTHORIZED', description: 'Signed out: this client no longer holds its secret.' }],
      });
    }
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) form.set('scope', Array.isArray(scope) ? scope.join(' ') : scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'user-agent': this.opts.userAgent,
    };
    if (this.opts.clientAuth === 'post') {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    } else {
      // RFC 6749 §2.3.1: each part form-encoded, then base64 (ASCII after encodeURIComponent).
      headers.authorization = `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
    }
    const response = await send(this.opts, `${baseUrl}/oauth2/token`, { method: 'POST', headers, body: form.toString(), signal });
    const body = (await response.json().catch(() => undefined)) as
      | { access_token?: string; expires_in?: number; scope?: string }
      | undefined;
    if (!response.ok || !body?.access_token) throw errorFromResponse(response, body);
    const lifeMs = Math.max(0, (body.expires_in ?? 0) * 1000);
    const margin = Math.min(60_000, lifeMs / 5);
    const scopes = String(body.scope ?? '')
      .split(/[ +]/)
      .filter(Boolean);
    this.token = { value: body.access_token, expiresAt: Date.now() + lifeMs - margin, scope: scopes };
    this.fetched++;
    return body.access_token;
  }
}

/** Whether an answer may be retried as it is: the request did not take effect, or will replay. */
async function retryable(response: Response): Promise<boolean> {
  if (response.status === 429 || response.status >= 500) return true;
  return response.status === 409 && (await errorCode(response)) === 'IDEMPOTENCY_IN_PROGRESS';
}

/**
 * One logical request, retried where that is safe (network errors, 409 IDEMPOTENCY_IN_PROGRESS,
 * 429 after its Retry-After, 5xx) with backoff. Every attempt is retried with the same
 * idempotency key, so a POST whose answer was lost runs once and the retry gets its stored
 * response. Used for the token request too (it creates nothing).
 */
async function send(
  opts: TransportOptions,
  url: string,
  init: RequestInit & { signal?: AbortSignal | null | undefined },
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await opts.fetch(url, { ...init, signal });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      if (attempt >= opts.maxRetries) {
        throw new LedgerlineConnectionError(
          `${init.method ?? 'GET'} ${url}: ${(err as Error).message} (after ${attempt + 1} attempts)`,
          err,
        );
      }
      await sleep(backoffMs(attempt), init.signal);
      continue;
    }
    if (attempt < opts.maxRetries && (await retryable(response))) {
      const wait = retryAfterMs(response.headers) ?? backoffMs(attempt); // 429 (and a 503 that says when)
      await response.body?.cancel().catch(() => {});
      await sleep(wait, init.signal);
      continue;
    }
    return response;
  }
}

/**
 * The fetch that openapi-fetch calls: adds the bearer token, the idempotency key (one per
 * logical request, the caller's when given), a fresh signature per attempt when a private key is
 * configured, and retries. The signed path is the URL's path and query exactly as sent, so it
 * includes `/api` when the base URL has it.
 */
export function createTransport(opts: TransportOptions, tokens: TokenManager): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const method = request.method.toUpperCase();
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : new Uint8Array(0);
    const url = new URL(request.url);
    const pathWithQuery = url.pathname + url.search;
    const base = new Headers(request.headers);
    base.set('user-agent', opts.userAgent);
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (!base.has(k)) base.set(k, v);
    // A call that names no type wants JSON: say so (fetch would send */*, and a route with a file
    // form, such as a withdrawal receipt, answers its PDF to */*).
    if (!base.has('accept')) base.set('accept', 'application/json');
    if (MUTATING.has(method) && !base.has('x-l2f-idempotency-id')) base.set('x-l2f-idempotency-id', uuid());

    let refreshed = false;
    for (;;) {
      const token = await tokens.get(request.signal);
      const response = await sendSigned(opts, request.url, method, pathWithQuery, body, base, token, request.signal);
      // A token the server no longer takes (expired early, clock skew): one fresh token, once.
      if (response.status === 401 && !refreshed && TOKEN_REFUSED.has((await errorCode(response)) ?? '')) {
        refreshed = true;
        tokens.invalidate(token);
        await response.body?.cancel().catch(() => {});
        continue;
      }
      // A file asked for by its type (a download: PDF, an uploaded document) is handed over untouched.
      const accept = base.get('accept') ?? '';
      if (!/json/i.test(accept)) return response;
      return exactAmounts(await expectJson(response, method, url.pathname));
    }
  };
}

/**
 * A JSON call answered with something else (a PDF, an HTML error page of a proxy): a typed
 * LedgerlineError (`UNEXPECTED_CONTENT_TYPE`) rather than the raw SyntaxError of parsing it.
 * Answers without a body (204, HEAD) and refusals (their text becomes the error's description)
 * pass through.
 */
async function expectJson(response: Response, method: string, path: string): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || /\bjson\b/i.test(type) || !response.body || [101, 204, 205, 304].includes(response.status)) return response;
  if (response.headers.get('content-length') === '0' || method === 'HEAD') return response;
  await response.body.cancel().catch(() => {});
  throw new LedgerlineError({
    status: response.status,
    errors: [
      {
        code: 'UNEXPECTED_CONTENT_TYPE',
        description: `${method} ${path} answered ${type || 'a body without a content type'} where JSON was asked for (a file? use the resource's PDF method or client.download()).`,
      },
    ],
    requestId: response.headers.get('x-l2f-request-id') ?? undefined,
    headers: response.headers,
  });
}

/**
 * A JSON answer with every amount number turned into its exact text (json.ts), so that whoever
 * parses it — the resources, `api.GET`, the error builder — gets amounts as strings.
 */
async function exactAmounts(response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (!/\bjson\b/i.test(type) || !response.body || [101, 204, 205, 304].includes(response.status)) return response;
  const text = quoteAmounts(await response.text());
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}

function sendSigned(
  opts: TransportOptions,
  url: string,
  method: string,
  pathWithQuery: string,
  body: Uint8Array,
  base: Headers,
  token: string,
  signal: AbortSignal,
): Promise<Response> {
  // Each attempt is signed anew (a signature is accepted once): `send` calls this init per attempt.
  const headersFor = async () => {
    const h = new Headers(base);
    h.set('authorization', `Bearer ${token}`);
    if (opts.signer && MUTATING.has(method)) {
      const { timestamp, signature } = await opts.signer.sign(method, pathWithQuery, body);
      h.set('x-timestamp', timestamp);
      h.set('x-signature', signature);
    }
    return h;
  };
  const fetchSigned: FetchLike = async (input, init) =>
    opts.fetch(input, { ...init, headers: await headersFor(), ...(body.length && { body: body as unknown as BodyInit }) });
  return send({ ...opts, fetch: fetchSigned }, url, { method, signal });
}

export type { LedgerlineError };
