import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, Pagination } from '../../platform/http-schemas.js';
import { readContext } from '../../platform/unit-of-work.js';
import { AppError } from '../../shared/errors.js';
import { verifyAssets, verifyCustomerAccountsPage } from './verify-pages.js';

const tags = ['Admin: ledger'];
const Mismatched = Type.Array(Type.Object({}, { additionalProperties: true }));
const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: 'Accounts per page, 1-1000 (default 500).' })),
    cursor: Type.Optional(Type.String({ maxLength: 40, description: 'The next_cursor of the previous page.' })),
  },
  { additionalProperties: false },
);

/**
 * The ledger check in pieces (operator; addition beside GET /admin/ledger/verify): customer
 * accounts page by page, then the asset sums. `ledgerline ledger verify` shows progress with them.
 */
export const ledgerVerifyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admin = { auth: { scope: 'admin' as const, tenant: false } };

  app.get(
    '/admin/ledger/verify/accounts',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Check customer ledger accounts, a page at a time (addition)',
        description:
          'Each account’s stored balances equal its lines and open holds, available is not negative, running balances chain. In id order; follow pagination.next_cursor.',
        querystring: PageQuery,
        response: {
          200: Type.Object({
            data: Type.Object({
              total_accounts: Type.Integer({ description: 'Customer ledger accounts in all.' }),
              checked: Type.Integer({ description: 'Accounts checked by this page.' }),
              mismatched_accounts: Mismatched,
            }),
            pagination: Pagination,
          }),
          ...errorResponses('VALIDATION_ERROR'),
        },
      },
    },
    async (request) => {
      const limit = request.query.limit === undefined ? 500 : Number(request.query.limit);
      if (limit < 1 || limit > 1000) throw new AppError('VALIDATION_ERROR', 'limit must be between 1 and 1000.', 'limit');
      const cursor = request.query.cursor;
      if (cursor !== undefined && !/^[0-9]{1,30}$/.test(cursor)) throw new AppError('VALIDATION_ERROR', 'cursor is not valid.', 'cursor');
      const page = await verifyCustomerAccountsPage(readContext(request).db, BigInt(cursor ?? 0), limit);
      const more = page.more && page.last !== null;
      return {
        data: { total_accounts: page.total, checked: page.checked, mismatched_accounts: page.mismatched },
        pagination: { has_more: more, next_cursor: more ? String(page.last) : null },
      };
    },
  );

  app.get(
    '/admin/ledger/verify/assets',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Check that every asset sums to zero (addition)',
        description: 'Per asset the posted lines sum to zero; the platform accounts’ running balances chain.',
        response: {
          200: data(
            Type.Object({
              balanced: Type.Boolean(),
              assets: Type.Array(Type.Object({ asset_type_id: Type.String(), sum: Type.String() })),
              mismatched_accounts: Mismatched,
            }),
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ data: await verifyAssets(readContext(request).db) }),
  );
};
