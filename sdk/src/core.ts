import createClient, { type Client } from 'openapi-fetch';
import { errorFromResponse } from './errors.js';
import type { paths } from './generated/openapi.js';
import { stringifyBody } from './json.js';
import { type Page, PageRequest } from './pagination.js';
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

  /** A cursor-style list: await it for the first page, `for await` it for every item. */
  list<P extends Path>(
    path: P,
    pathParams: Record<string, string> | undefined,
    params: ListParams<P> | undefined,
    options: RequestOptions = {},
  ) {
    const { cursor: start, ...filters } = (params ?? {}) as Record<string, unknown> & { cursor?: string };
    const fetchPage = async (cursor: string | undefined): Promise<Page<ListItem<P>>> => {
      const body = (await this.raw('get', path, { path: pathParams, query: { ...filters, ...(cursor && { cursor }) } }, options)) as {
        data: Record<string, unknown>;
        pagination?: { has_more: boolean; next_cursor: string | null };
      };
      const items = Object.values(body.data ?? {}).find(Array.isArray) ?? [];
      return {
        data: items as ListItem<P>[],
        hasMore: body.pagination?.has_more ?? false,
        nextCursor: body.pagination?.next_cursor ?? null,
      };
    };
    return new PageRequest<ListItem<P>>(fetchPage, start);
  }
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
