import { AppError } from './errors.js';

/**
 * Two pagination styles on every list, one envelope (CONTRACT §3):
 *  - page style (Layer2): page (0-based) + page_size; offset-based; links point at pages.
 *  - cursor style (seed 003): limit + cursor; keyset on the table's `seq` (insertion order), so a
 *    walk is stable while rows are inserted: new rows sort before the cursor (newest first) and
 *    never shift later pages.
 * Order: by creation (seq), DESC by default. `seq` is unique, so there are no ties to break.
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  style: 'page' | 'cursor';
  size: number;
  /** page style */
  page: number;
  /** cursor style: rows strictly after this seq in the walk order */
  after: bigint | undefined;
  order: 'ASC' | 'DESC';
}

export interface RawPageQuery {
  page?: string | undefined;
  page_size?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  order?: 'ASC' | 'DESC' | undefined;
}

function size(value: string | undefined, field: string): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new AppError('VALIDATION_ERROR', `${field} must be between 1 and ${MAX_PAGE_SIZE}.`, field);
  }
  return n;
}

export function encodeCursor(seq: bigint, order: 'ASC' | 'DESC'): string {
  return Buffer.from(`v1:${order}:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string, order: 'ASC' | 'DESC'): bigint {
  const m = /^v1:(ASC|DESC):(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AppError('VALIDATION_ERROR', 'The cursor is not valid.', 'cursor');
  if (m[1] !== order) throw new AppError('VALIDATION_ERROR', 'The cursor was made for another order.', 'cursor');
  return BigInt(m[2] as string);
}

export function parsePageQuery(q: RawPageQuery): PageRequest {
  const order = q.order ?? 'DESC';
  const cursorStyle = q.cursor !== undefined || q.limit !== undefined;
  if (cursorStyle && (q.page !== undefined || q.page_size !== undefined)) {
    throw new AppError(
      'VALIDATION_ERROR',
      'Use either page/page_size or limit/cursor, not both.',
      q.page !== undefined ? 'page' : 'page_size',
    );
  }
  if (cursorStyle) {
    return {
      style: 'cursor',
      size: size(q.limit, 'limit'),
      page: 0,
      after: q.cursor !== undefined ? decodeCursor(q.cursor, order) : undefined,
      order,
    };
  }
  const page = q.page === undefined ? 0 : Number(q.page);
  if (!Number.isInteger(page) || page < 0) throw new AppError('VALIDATION_ERROR', 'page must be 0 or more.', 'page');
  return { style: 'page', size: size(q.page_size, 'page_size'), page, after: undefined, order };
}

export interface PageResult<T> {
  items: T[];
  /**
   * Five strings, always (Layer2's Page requires them). Page style: `prev` on the first page is the
   * first page, `next` on the last page is the last page. Cursor style: `prev` is the first page
   * (a keyset walk only goes forward), `next` and `last` are this page once `has_more` is false;
   * while more rows exist `last` is the next page (the end of a keyset walk is not known ahead).
   */
  links: { self: string; first: string; prev: string; next: string; last: string };
  pagination: { has_more: boolean; next_cursor: string | null };
}

/**
 * Builds the envelope parts from the rows fetched (size + 1 of them, to know whether more exist)
 * and, for page style, the total row count.
 */
export function buildPage<T extends { seq: bigint }>(
  req: PageRequest,
  rows: T[],
  total: number | undefined,
  basePath: string,
  filters: Record<string, string | undefined>,
): PageResult<T> {
  const hasMore = rows.length > req.size;
  const items = rows.slice(0, req.size);
  const last = items[items.length - 1];
  const nextCursor = hasMore && last ? encodeCursor(last.seq, req.order) : null;
  const qs = (extra: Record<string, string | number | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v !== undefined) p.set(k, String(v));
    const s = p.toString();
    return s ? `${basePath}?${s}` : basePath;
  };
  const order = req.order === 'DESC' ? undefined : req.order;
  if (req.style === 'cursor') {
    const self = qs({ limit: req.size, order, cursor: req.after !== undefined ? encodeCursor(req.after, req.order) : undefined });
    const next = nextCursor ? qs({ limit: req.size, order, cursor: nextCursor }) : self;
    return {
      items,
      links: { self, first: qs({ limit: req.size, order }), prev: qs({ limit: req.size, order }), next, last: next },
      pagination: { has_more: hasMore, next_cursor: nextCursor },
    };
  }
  const lastPage = Math.max(0, Math.ceil((total ?? 0) / req.size) - 1);
  const page = (n: number) => qs({ page: n, page_size: req.size, order });
  return {
    items,
    links: {
      self: page(req.page),
      first: page(0),
      prev: req.page > 0 ? page(Math.min(req.page - 1, lastPage)) : page(0),
      next: hasMore ? page(req.page + 1) : page(lastPage),
      last: page(lastPage),
    },
    pagination: { has_more: hasMore, next_cursor: nextCursor },
  };
}
