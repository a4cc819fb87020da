import createClient, { type Client } from 'openapi-fetch';
import { errorFromResponse } from './errors.js';
import type { paths } from './generated/openapi.js';
import { stringifyBody } from './json.js';
import { type NextPage, type Page, PageRequest } from './pagination.js';
import type { HttpMethod, ListItem, ListParams, Path, RequestOptions, ResponseData } from './types.js';

export interface CallArgs {
  path?: Record<string, string>;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  /** How to read a 2xx answer (default JSON; `blob` for files such as statement PDFs). */
  parseAs?: 'json' | 'text' | 'blob' | 'arrayBuffer';
}

/** The typed openapi-fetch client plus the calls the resources make through it. */
export class Core {
  constructor(
    readonly api: Client<paths>,
    /** Headers every call of this view of the client carries (`x-l2f-client-id` for an operator acting for a client). */
    private readonly fixedHeaders: Record<string, string> = {},
  ) {}

  withHeaders(headers: Record<string, string>): Core {
    return new Core(this.api, { ...this.fixedHeaders, ...headers });
  }

  /** One call; the answer's `data`, or a LedgerlineError. */
  async call<P extends Path, M extends HttpMethod>(
    method: M,
    path: P,
    args: CallArgs = {},
    options: RequestOptions = {},
  ): Promise<ResponseData<P, M>> {
    const body = await this.raw(method, path, args, options);
    return (body as { data: ResponseData<P, M> }).data;
  }

  /** One call; the whole answer body (envelope included). */
  async raw(method: HttpMethod, path: Path | string, args: CallArgs = {}, options: RequestOptions = {}): Promise<unknown> {
    const headers: Record<string, string> = { ...this.fixedHeaders, ...options.headers };
    if (options.idempotencyKey !== undefined) headers['x-l2f-idempotency-id'] = options.idempotencyKey;
    if (options.actingFor !== undefined) headers['x-l2f-client-id'] = options.actingFor;
    const query = args.query && Object.fromEntries(Object.entries(args.query).filter(([, v]) => v !== undefined && v !== null));
    const request = (this.api as unknown as { request: (m: string, p: string, init: Record<string, unknown>) => Promise<RawResult> })
      .request;
    const { data, error, response } = await request(method, path, {
      params: { path: args.path ?? {}, query: query ?? {} },
      ...(args.body !== undefined && { body: args.body }),
      ...(args.parseAs && { parseAs: args.parseAs }),
      headers,
      ...(options.signal && { signal: options.signal }),
    });
    if (!response.ok) throw errorFromResponse(response, error);
    return data;
  }

  /** A file of the API (a PDF, an uploaded document) as a Blob: asked for by its type, handed over untouched. */
  async file(path: Path | string, pathParams: Record<string, string>, accept: string, options: RequestOptions = {}): Promise<Blob> {
    return (await this.raw(
      'get',
      path,
      { path: pathParams, parseAs: 'blob' },
      { ...options, headers: { accept, ...options.headers } },
    )) as Blob;
  }

  /**
   * A list: await it for the first page, `for await` it for every item. Cursor style (`limit`,
   * `next_cursor`); a list answering page style only (`next_cursor` null while `has_more`) is
   * followed by the `page`/`page_size` of its `links.next`.
   */
  list<P extends Path>(
    path: P,
    pathParams: Record<string, string> | undefined,
    params: ListParams<P> | undefined,
    options: RequestOptions = {},
  ) {
    const { cursor: start, ...filters } = (params ?? {}) as Record<string, unknown> & { cursor?: string };
    const fetchPage = async (next: NextPage | undefined): Promise<Page<ListItem<P>>> => {
      const query = !next ? filters : 'cursor' in next ? { ...filters, cursor: next.cursor } : pageQuery(filters, next.query);
      const body = (await this.raw('get', path, { path: pathParams, query }, options)) as {
        data: Record<string, unknown>;
        links?: { next?: string };
        pagination?: { has_more: boolean; next_cursor: string | null };
      };
      const items = Object.values(body.data ?? {}).find(Array.isArray) ?? [];
      const hasMore = body.pagination?.has_more ?? false;
      const nextCursor = body.pagination?.next_cursor ?? null;
      return {
        data: items as ListItem<P>[],
        hasMore,
        nextCursor,
        nextQuery: hasMore && !nextCursor && body.links?.next ? linkQuery(body.links.next) : undefined,
      };
    };
    return new PageRequest<ListItem<P>>(fetchPage, start);
  }
}

/** The query of a `links` entry (a path with its query, possibly with `/api` in front). */
function linkQuery(link: string): Record<string, string> {
  return Object.fromEntries(new URL(link, 'http://link.invalid').searchParams);
}

/**
 * The next page of a page-style walk: the caller's filters with the link's `page` and `page_size`
 * (a cursor-style `limit` becomes the page size: the server takes one style at a time).
 */
function pageQuery(filters: Record<string, unknown>, link: Record<string, string>): Record<string, unknown> {
  const { limit: _limit, ...rest } = filters;
  return { ...rest, ...link };
}

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export function createApiClient(baseUrl: string, transport: (request: Request) => Promise<Response>): Client<paths> {
  // Bodies go out through stringifyBody: an amount given as an inexact JS number is refused.
  return createClient<paths>({ baseUrl, fetch: transport, bodySerializer: stringifyBody });
}
