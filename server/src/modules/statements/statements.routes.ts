import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses, listOf, PageQuery } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { basePath } from '../../platform/route-helpers.js';
import { readContext } from '../../platform/unit-of-work.js';
import type { Family } from '../accounts/index.js';
import { Transaction } from '../transactions/index.js';
import { statementCustomer, statementTransactions, summaryFields } from './statements.layer2.js';
import type { StatementsService } from './statements.service.js';

const Summary = {
  id: Type.String({ description: 'stmt_YYYY_MM' }),
  year: Type.Integer({ description: 'The statement’s calendar year (UTC).' }),
  month: Type.Integer({ minimum: 1, maximum: 12, description: 'The statement’s calendar month, 1-12 (UTC).' }),
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
const Statement = Type.Object({
  ...Summary,
  statement_period: Type.String({ description: 'YYYY-MM, the statement’s month.' }),
  customer: Type.Object(
    {
      name: Type.String(),
      address1: Type.Optional(Type.String()),
      address2: Type.Optional(Type.String()),
      address3: Type.Optional(Type.String()),
      city: Type.Optional(Type.String()),
      state: Type.Optional(Type.String()),
      postal_code: Type.Optional(Type.String()),
      country: Type.Optional(Type.String()),
    },
    { description: 'The account holder.' },
  ),
  transactions: Type.Array(
    Type.Object({
      transaction_id: Type.String(),
      transaction_type: Type.String(),
      description: Type.String(),
      transaction_date: Type.String({ format: 'date-time' }),
      transaction_posted_date: Type.String({ format: 'date-time' }),
      amount: AmountOutput,
      balance: AmountOutput,
    }),
    { description: 'The month’s posted lines (Rail 1.1.2’s names).' },
  ),
  lines: Type.Array(Transaction, { description: 'Every line of the month, as the transactions API shows them.' }),
});

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
        description:
          'One per UTC calendar month since the account opened, newest first (order=ASC: oldest first); 12 per page unless page_size or limit says otherwise. Both pagination styles: page/page_size, or limit/cursor.',
        params: Type.Object({ account_id: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: {
          200: listOf('statements', Type.Object(Summary)),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const { items, links, pagination } = await service.list(
        readContext(request),
        family,
        request.params.account_id,
        request.query,
        basePath(request),
      );
      return { data: { statements: items.map((i) => ({ ...i, ...summaryFields(i.id) })) }, links, pagination };
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
      const { statement, customer } = await service.get(readContext(request), family, account_id, statement_id);
      return {
        data: {
          ...statement,
          ...summaryFields(statement.id),
          statement_period: statement.id.slice(5).replace('_', '-'),
          customer: statementCustomer(customer, statement.account_id),
          transactions: statementTransactions(statement.lines),
        },
      };
    },
  );
};
