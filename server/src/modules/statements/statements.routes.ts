import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { basePath } from '../../platform/route-helpers.js';
import { readContext } from '../../platform/unit-of-work.js';
import { AppError } from '../../shared/errors.js';
import type { Family } from '../accounts/index.js';
import { Transaction } from '../transactions/index.js';
import type { StatementsService } from './statements.service.js';

const Summary = {
  id: Type.String({ description: 'stmt_YYYY_MM' }),
  account_id: Type.String(),
  asset_type_id: Type.String(),
  period_start: Type.String({ format: 'date' }),
  period_end: Type.String({ format: 'date' }),
  opening_balance: AmountOutput,
  closing_balance: AmountOutput,
  total_in: AmountOutput,
  total_out: AmountOutput,
  transaction_count: Type.Integer(),
};
const Statement = Type.Object({ ...Summary, lines: Type.Array(Transaction) });

export const statementsRoutes: FastifyPluginAsyncTypebox<{ service: StatementsService; family: Family }> = async (
  app,
  { service, family },
) => {
  const config = { auth: { scope: 'accounts:read' as const } };
  const tags = [family === 'deposits' ? 'Accounts' : 'Payment accounts'];
  app.get(
    `/accounts/${family}/:account_id/statements`,
    {
      config,
      schema: {
        tags,
        summary: 'List monthly statements',
        description: 'One per UTC calendar month since the account opened, newest first.',
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object(
          { page: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })), page_size: Type.Optional(Type.String({ pattern: '^\\d{1,3}$' })) },
          { additionalProperties: false },
        ),
        response: {
          200: listOf('statements', Type.Object(Summary)),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const page = Number(request.query.page ?? 0);
      const size = Number(request.query.page_size ?? 12);
      if (size < 1 || size > 100) throw new AppError('VALIDATION_ERROR', 'page_size must be between 1 and 100.', 'page_size');
      const { items, total } = await service.list(readContext(request), family, request.params.account_id, page, size);
      const path = basePath(request);
      const last = Math.max(0, Math.ceil(total / size) - 1);
      const link = (p: number) => `${path}?page=${p}&page_size=${size}`;
      const hasMore = (page + 1) * size < total;
      return {
        data: { statements: items },
        links: {
          self: link(page),
          first: link(0),
          prev: page > 0 ? link(page - 1) : null,
          next: hasMore ? link(page + 1) : null,
          last: link(last),
        },
        pagination: { has_more: hasMore, next_cursor: null },
      };
    },
  );
  app.get(
    `/accounts/${family}/:account_id/statements/:statement_id`,
    {
      config,
      schema: {
        tags,
        summary: 'Retrieve a statement (JSON, or PDF with Accept: application/pdf)',
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }), statement_id: Type.String({ maxLength: 32 }) }),
        response: { 200: data(Statement), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request, reply) => {
      const { account_id, statement_id } = request.params;
      if ((request.headers.accept ?? '').includes('application/pdf')) {
        const { institutionName: name, institutionAddress: address } = app.ledgerline.config;
        const pdf = await service.pdf(readContext(request), family, account_id, statement_id, { name, address });
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${account_id}-${statement_id}.pdf"`)
          .send(pdf as never); // a Buffer is sent as is, not serialised
      }
      return { data: (await service.get(readContext(request), family, account_id, statement_id)).statement };
    },
  );
};
