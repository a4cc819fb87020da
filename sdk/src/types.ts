import type { paths } from './generated/openapi.js';

/** Helpers that read request and response types out of the generated `paths`. */
export type { components, paths } from './generated/openapi.js';
export type Path = keyof paths;
export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Op<P extends Path, M extends HttpMethod> = NonNullable<paths[P][M]>;

/** The JSON body of `M P`. */
export type RequestBody<P extends Path, M extends HttpMethod> =
  Op<P, M> extends {
    requestBody?: { content: { 'application/json': infer B } };
  }
    ? B
    : never;

/** The 200 answer of `M P`. */
export type ResponseBody<P extends Path, M extends HttpMethod> =
  Op<P, M> extends {
    responses: { 200: { content: { 'application/json': infer R } } };
  }
    ? R
    : never;

/** The `data` of the 200 answer (the SDK returns it unwrapped). */
export type ResponseData<P extends Path, M extends HttpMethod> = ResponseBody<P, M> extends { data: infer D } ? D : never;

/** The query parameters of `M P`. */
export type QueryParams<P extends Path, M extends HttpMethod> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The item type of a list route (`{data: {<plural>: Item[]}}`). */
export type ListItem<P extends Path> = ResponseData<P, 'get'> extends Record<string, infer A> ? (A extends (infer I)[] ? I : never) : never;

/**
 * Cursor-style list parameters: the route's filters, `limit` as a number (1–100), and `cursor`
 * (the SDK follows `next_cursor` itself when you iterate).
 */
export type ListParams<P extends Path> = Omit<QueryParams<P, 'get'>, 'limit' | 'cursor' | 'page' | 'page_size'> & {
  limit?: number | string;
  cursor?: string;
};

/** Every list route: a GET whose answer carries `pagination` (what `client.paginate` walks). */
export type ListPath = { [P in Path]: ResponseBody<P, 'get'> extends { pagination: unknown } ? P : never }[Path];

/** The path parameters of `GET P` (`{ account_id: string }` for `/v1/accounts/deposits/{account_id}/statements`). */
export type PathParams<P extends Path> = Op<P, 'get'> extends { parameters: { path: infer T } } ? NonNullable<T> : never;

/**
 * The parameters of `client.paginate(path, params)`: the list's own (`ListParams`), plus `path`
 * (its path parameters) when the route has any.
 */
export type PaginateParams<P extends ListPath> = [PathParams<P>] extends [never]
  ? ListParams<P> & { path?: undefined }
  : ListParams<P> & { path: PathParams<P> };

/** `paginate`'s arguments after the path: `params` is required when the route has path parameters. */
export type PaginateArgs<P extends ListPath> = [PathParams<P>] extends [never]
  ? [params?: PaginateParams<P>, options?: RequestOptions]
  : [params: PaginateParams<P>, options?: RequestOptions];

/** Per-call options. */
export interface RequestOptions {
  /** x-l2f-idempotency-id for this call (default: a new UUID, kept across the SDK's retries). */
  idempotencyKey?: string;
  /** Operator only: act on this client's data (`x-l2f-client-id`). */
  actingFor?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type Resource<P extends Path> = ResponseData<P, 'get'>;
