import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { AmountInput } from '../../platform/money-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { LedgerService } from '../ledger/index.js';
import type { AdjustmentsService } from './adjustments.service.js';

/** Operator routes on the ledger: adjustments (acting for a client) and the invariant check. */
export const adjustmentsRoutes: FastifyPluginAsyncTypebox<{ service: AdjustmentsService; ledger: LedgerService }> = async (
  app,
  { service, ledger },
) => {
  const tags = ['Admin: ledger'];
  app.post(
    '/admin/adjustments',
    {
      config: { auth: { scope: 'admin' } },
      schema: {
        tags,
        summary: 'Credit or debit correction of an account (operator, with x-l2f-client-id)',
        headers: MutationHeaders,
        body: Type.Object(
          {
            account_id: Type.String({ minLength: 1, maxLength: 128 }),
            amount: AmountInput,
            transaction_type: Type.Union([Type.Literal('CREDIT_CORRECTION'), Type.Literal('DEBIT_CORRECTION')]),
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: data(
            Type.Object({
              id: Type.String(),
              status: Type.Literal('EXECUTED'),
              account_id: Type.String(),
              transaction_id: Type.String(),
              transaction_type: Type.String(),
              created_at: Type.String({ format: 'date-time' }),
            }),
          ),
          ...errorResponses(
            'NOT_FOUND',
            'NOT_TRANSACTABLE',
            'INSUFFICIENT_FUNDS',
            'AMOUNT_PRECISION',
            'IDEMPOTENCY_KEY_REUSED',
            'IDEMPOTENCY_IN_PROGRESS',
          ),
        },
      },
    },
    async (request) => ({ data: await service.create(writeContext(request), request.body) }),
  );

  app.get(
    '/admin/ledger/verify',
    {
      config: { auth: { scope: 'admin', tenant: false } },
      schema: {
        tags,
        summary: 'Check the ledger invariants',
        description: 'Every asset sums to zero over posted lines; every stored balance equals its lines and open holds.',
        response: {
          200: data(
            Type.Object({
              balanced: Type.Boolean(),
              assets: Type.Array(Type.Object({ asset_type_id: Type.String(), sum: Type.String() })),
              mismatched_accounts: Type.Array(Type.Object({}, { additionalProperties: true })),
            }),
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => ({ data: await ledger.verify(readContext(request).db) }),
  );
};
