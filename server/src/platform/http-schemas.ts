/**
 * Schema building blocks shared by every route: the envelope, the error body, list links,
 * pagination query, and the error responses each route publishes in OpenAPI.
 */
import { type Static, type TSchema, Type } from 'typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '../shared/errors.js';

/** One problem: a catalogue code, what it means here, and the field it is about. */
export const ErrorEntry = Type.Object({
  code: Type.String({ description: 'A code of the error catalogue (docs/errors.md).' }),
  description: Type.String(),
  field: Type.Optional(Type.String({ description: 'The offending field, as a dotted path, where there is one.' })),
});

export const ErrorBody = Type.Object(
  {
    errors: Type.Array(ErrorEntry),
  },
  { $id: 'ErrorBody', description: 'Error response: one entry per problem.' },
);

/** A oneOf with a discriminator, which Ajv validates branch by branch (TypeBox Union emits anyOf). */
export function discriminated<T extends TSchema[]>(propertyName: string, variants: [...T], description?: string) {
  return Type.Unsafe<Static<T[number]>>({
    type: 'object',
    oneOf: variants,
    discriminator: { propertyName },
    ...(description && { description }),
  });
}

export const data = <T extends TSchema>(inner: T) => Type.Object({ data: inner });

/** Five strings, always (Layer2's Page): see PageResult in shared/pagination.ts for the ends. */
export const Links = Type.Object(
  {
    self: Type.String({ description: 'This page.' }),
    first: Type.String({ description: 'The first page.' }),
    prev: Type.String({ description: 'The previous page; on the first page, the first page.' }),
    next: Type.String({ description: 'The next page; on the last page, the last page.' }),
    last: Type.String({ description: 'The last page (cursor style: the next page while has_more, then this page).' }),
  },
  { description: 'Links to pages of this list, as paths with their query.' },
);

export const Pagination = Type.Object({
  has_more: Type.Boolean(),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const listOf = <K extends string, T extends TSchema>(key: K, item: T) =>
  Type.Object({
    data: Type.Object({ [key]: Type.Array(item) } as { [P in K]: ReturnType<typeof Type.Array<T>> }),
    links: Links,
    pagination: Pagination,
  });

export const PageQuery = {
  page: Type.Optional(Type.String({ pattern: '^\\d{1,6}$', description: 'Page style: 0-based page number (default 0).' })),
  page_size: Type.Optional(Type.String({ pattern: '^\\d{1,3}$', description: 'Page style: rows per page, 1-100 (default 20).' })),
  limit: Type.Optional(Type.String({ pattern: '^\\d{1,3}$', description: 'Cursor style: rows per page, 1-100 (default 20).' })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Cursor style: the next_cursor of the previous page.' })),
  order: Type.Optional(
    Type.Union([Type.Literal('DESC'), Type.Literal('ASC')], { description: 'By creation; default DESC (newest first).' }),
  ),
};
export type PageQueryT = Static<Type.TObject<typeof PageQuery>>;

/**
 * The error responses a route can answer, for OpenAPI. Every authenticated route can answer
 * 400, 401, 403, 429 and 500; routes add 404, 409, 413, 415, 422 as they apply.
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const all: ErrorCode[] = [
    'VALIDATION_ERROR',
    'UNAUTHORIZED',
    'TOKEN_EXPIRED',
    'INSUFFICIENT_SCOPE',
    'FORBIDDEN',
    'RATE_LIMITED',
    'INTERNAL_ERROR',
    ...codes,
  ];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of all) {
    const status = ERROR_CATALOGUE[code].status;
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, list] of byStatus) {
    out[status] = Type.Ref('ErrorBody', { description: `Error codes: ${list.join(', ')}` }) as unknown as TSchema;
  }
  return out;
}
