import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { AmountOutput } from '../../platform/money-schemas.js';
import { readContext } from '../../platform/unit-of-work.js';
import type { SettlementsService } from './settlements.service.js';

const AssetType = Type.Unsafe<string>({ type: 'string', enum: ['FIAT', 'BITCOIN', 'ETHEREUM', 'POLYGON'] });
const Settlement = Type.Object({
  id: Type.String({ description: 'The id of the transfer or exchange that settles the payment account’s funds.' }),
  settlement_status: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: ['INITIALIZED', 'DELIVERING', 'CONVERTING', 'SETTLED'],
      description: 'Absent once the movement ended without settling (status_detail says how).',
    }),
  ),
  status_detail: Type.String({ description: 'The status of the underlying transfer or exchange.' }),
  settlement_type: Type.Unsafe<string>({ type: 'string', enum: ['TRANSFER', 'EXCHANGE'] }),
  settlement_executed_timestamp: Type.Optional(Type.String({ format: 'date-time' })),
  settlement_asset_type: Type.Optional(AssetType),
  settlement_currency: Type.String(),
  settlement_amount: AmountOutput,
  settlement_details: Type.Array(
    Type.Object({
      source_account_customer_id: Type.String(),
      source_account_id: Type.String(),
      source_asset_type: Type.Optional(AssetType),
      source_currency: Type.String(),
      source_amount: AmountOutput,
      destination_account_customer_id: Type.Optional(Type.String()),
      destination_account_id: Type.String(),
      destination_asset_type: Type.Optional(AssetType),
      destination_currency: Type.String(),
      destination_amount: AmountOutput,
    }),
  ),
});

export const settlementsRoutes: FastifyPluginAsyncTypebox<{ service: SettlementsService }> = async (app, { service }) => {
  app.get(
    '/settlements/:settlement_id',
    {
      config: { auth: { scope: 'settlements:read' } },
      schema: {
        tags: ['Settlements'],
        summary: 'Retrieve a settlement',
        description:
          'A payment account’s funds moved to another account: the transfer (same asset) or exchange (converted) whose source is a payment account. Optional source_account_id / destination_account_id must match it.',
        params: Type.Object({ settlement_id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          {
            source_account_id: Type.Optional(Type.String({ maxLength: 128 })),
            destination_account_id: Type.Optional(Type.String({ maxLength: 128 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: data(Settlement), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => ({ data: await service.get(readContext(request), request.params.settlement_id, request.query) }),
  );
};
