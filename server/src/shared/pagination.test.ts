import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { buildPage, encodeCursor, type PageRequest, parsePageQuery, type RawPageQuery } from './pagination.js';

function refused(q: RawPageQuery): { code: string; field: string | undefined; description: string } {
  try {
    parsePageQuery(q);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const e = err.entries[0];
    return { code: err.code, field: e?.field, description: e?.description ?? '' };
  }
  throw new Error(`accepted ${JSON.stringify(q)}`);
}

const rows = (...seqs: number[]) => seqs.map((s) => ({ seq: BigInt(s), id: `r${s}` }));

describe('parsePageQuery', () => {
  it('defaults: page style, page 0, 20 rows, newest first', () => {
    expect(parsePageQuery({})).toEqual({ style: 'page', size: 20, page: 0, after: undefined, order: 'DESC' });
  });

  it('page style', () => {
    expect(parsePageQuery({ page: '3', page_size: '100', order: 'ASC' })).toEqual({
      style: 'page',
      size: 100,
      page: 3,
      after: undefined,
      order: 'ASC',
    });
    expect(parsePageQuery({ page_size: '1' }).size).toBe(1);
  });

  it('cursor style: limit alone, or with a cursor', () => {
    expect(parsePageQuery({ limit: '5' })).toEqual({ style: 'cursor', size: 5, page: 0, after: undefined, order: 'DESC' });
    expect(parsePageQuery({ cursor: encodeCursor(42n, 'DESC') })).toEqual({
      style: 'cursor',
      size: 20,
      page: 0,
      after: 42n,
      order: 'DESC',
    });
    expect(parsePageQuery({ cursor: encodeCursor(7n, 'ASC'), order: 'ASC', limit: '2' }).after).toBe(7n);
  });

  it('sizes out of 1..100: VALIDATION_ERROR on that field', () => {
    for (const v of ['0', '101', '-1', '1.5', 'ten', '']) {
      expect(refused({ page_size: v })).toEqual({
        code: 'VALIDATION_ERROR',
        field: 'page_size',
        description: 'page_size must be between 1 and 100.',
      });
      expect(refused({ limit: v }).field).toBe('limit');
    }
  });

  it('a negative or fractional page: VALIDATION_ERROR on page', () => {
    for (const v of ['-1', '1.5', 'x']) {
      expect(refused({ page: v })).toEqual({ code: 'VALIDATION_ERROR', field: 'page', description: 'page must be 0 or more.' });
    }
  });

  it('mixing the two styles is refused', () => {
    expect(refused({ page: '1', limit: '5' })).toMatchObject({ code: 'VALIDATION_ERROR', field: 'page' });
    expect(refused({ page_size: '5', cursor: encodeCursor(1n, 'DESC') })).toMatchObject({ field: 'page_size' });
    expect(refused({ page: '0', cursor: 'x' }).description).toBe('Use either page/page_size or limit/cursor, not both.');
  });

  it('bad cursors: not valid, or made for the other order', () => {
    for (const c of ['garbage', '', Buffer.from('v1:DESC:abc').toString('base64url'), Buffer.from('v2:DESC:1').toString('base64url')]) {
      expect(refused({ cursor: c })).toEqual({ code: 'VALIDATION_ERROR', field: 'cursor', description: 'The cursor is not valid.' });
    }
    expect(refused({ cursor: encodeCursor(5n, 'DESC'), order: 'ASC' })).toEqual({
      code: 'VALIDATION_ERROR',
      field: 'cursor',
      description: 'The cursor was made for another order.',
    });
  });

  it('cursors round-trip for any seq (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), fc.constantFrom('ASC' as const, 'DESC' as const), (seq, order) => {
        expect(parsePageQuery({ cursor: encodeCursor(seq, order), order }).after).toBe(seq);
      }),
    );
  });
});

describe('buildPage: page style', () => {
  const req = (page: number, size: number, order: 'ASC' | 'DESC' = 'DESC'): PageRequest => ({
    style: 'page',
    size,
    page,
    after: undefined,
    order,
  });

  it('first page of several, with filters kept in the links', () => {
    const page = buildPage(req(0, 2), rows(9, 8, 7), 5, '/v1/customers', { type: 'INDIVIDUAL', status: undefined });
    expect(page.items.map((r) => r.id)).toEqual(['r9', 'r8']);
    expect(page.links).toEqual({
      self: '/v1/customers?type=INDIVIDUAL&page=0&page_size=2',
      first: '/v1/customers?type=INDIVIDUAL&page=0&page_size=2',
      prev: '/v1/customers?type=INDIVIDUAL&page=0&page_size=2',
      next: '/v1/customers?type=INDIVIDUAL&page=1&page_size=2',
      last: '/v1/customers?type=INDIVIDUAL&page=2&page_size=2',
    });
    expect(page.pagination).toEqual({ has_more: true, next_cursor: encodeCursor(8n, 'DESC') });
  });

  it('a middle page in ascending order', () => {
    const page = buildPage(req(1, 2, 'ASC'), rows(3, 4, 5), 5, '/api/v1/customers', {});
    expect(page.links).toEqual({
      self: '/api/v1/customers?page=1&page_size=2&order=ASC',
      first: '/api/v1/customers?page=0&page_size=2&order=ASC',
      prev: '/api/v1/customers?page=0&page_size=2&order=ASC',
      next: '/api/v1/customers?page=2&page_size=2&order=ASC',
      last: '/api/v1/customers?page=2&page_size=2&order=ASC',
    });
  });

  it('the last page: next is the last page itself, no cursor', () => {
    const page = buildPage(req(2, 2), rows(1), 5, '/v1/customers', {});
    expect(page.items).toHaveLength(1);
    expect(page.links.next).toBe('/v1/customers?page=2&page_size=2');
    expect(page.links.prev).toBe('/v1/customers?page=1&page_size=2');
    expect(page.pagination).toEqual({ has_more: false, next_cursor: null });
  });

  it('past the end: empty, prev points at the last page', () => {
    const page = buildPage(req(9, 2), [], 5, '/v1/customers', {});
    expect(page.items).toEqual([]);
    expect(page.links.prev).toBe('/v1/customers?page=2&page_size=2');
    expect(page.links.last).toBe('/v1/customers?page=2&page_size=2');
  });

  it('an empty list: last is page 0', () => {
    const page = buildPage(req(0, 20), [], 0, '/v1/customers', {});
    expect(page.links).toEqual({
      self: '/v1/customers?page=0&page_size=20',
      first: '/v1/customers?page=0&page_size=20',
      prev: '/v1/customers?page=0&page_size=20',
      next: '/v1/customers?page=0&page_size=20',
      last: '/v1/customers?page=0&page_size=20',
    });
    expect(page.pagination).toEqual({ has_more: false, next_cursor: null });
  });
});

describe('buildPage: cursor style', () => {
  it('first page: next carries the cursor of the last row; prev is the first page, last the next one', () => {
    const req: PageRequest = { style: 'cursor', size: 2, page: 0, after: undefined, order: 'DESC' };
    const page = buildPage(req, rows(9, 8, 7), undefined, '/v1/customers', { status: 'ACTIVE' });
    const cursor = encodeCursor(8n, 'DESC');
    expect(page.items.map((r) => r.id)).toEqual(['r9', 'r8']);
    expect(page.links).toEqual({
      self: '/v1/customers?status=ACTIVE&limit=2',
      first: '/v1/customers?status=ACTIVE&limit=2',
      prev: '/v1/customers?status=ACTIVE&limit=2',
      next: `/v1/customers?status=ACTIVE&limit=2&cursor=${cursor}`,
      last: `/v1/customers?status=ACTIVE&limit=2&cursor=${cursor}`,
    });
    expect(page.pagination).toEqual({ has_more: true, next_cursor: cursor });
    expect(parsePageQuery({ limit: '2', cursor }).after).toBe(8n);
  });

  it('a later, final page: self carries its cursor; next and last are this page', () => {
    const req: PageRequest = { style: 'cursor', size: 2, page: 0, after: 8n, order: 'ASC' };
    const page = buildPage(req, rows(9), undefined, '/v1/customers', {});
    expect(page.links.self).toBe(`/v1/customers?limit=2&order=ASC&cursor=${encodeCursor(8n, 'ASC')}`);
    expect(page.links.first).toBe('/v1/customers?limit=2&order=ASC');
    expect(page.links.next).toBe(page.links.self);
    expect(page.links.last).toBe(page.links.self);
    expect(page.pagination).toEqual({ has_more: false, next_cursor: null });
  });
});
