import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { data, errorResponses } from '../../platform/http-schemas.js';
import { MutationHeaders } from '../../platform/route-helpers.js';
import { readContext, writeContext } from '../../platform/unit-of-work.js';
import type { CatalogueService } from './catalogue.service.js';

const Product = Type.Object({
  product_id: Type.String(),
  product_type: Type.String({ enum: ['CLIENT', 'DEPOSIT', 'VIRTUAL'] }),
  description: Type.String(),
  family: Type.String({ description: 'Account path family: /v1/accounts/{family}' }),
  exchanges: Type.Boolean(),
  rotating_addresses: Type.Boolean(),
  enabled: Type.Boolean({ description: 'Whether your client may open accounts of this product.' }),
});
const Asset = Type.Object({
  asset_type_id: Type.String(),
  blockchain: Type.String(),
  network: Type.String(),
  currency: Type.String(),
  decimals: Type.Integer(),
  kind: Type.String({ enum: ['FIAT', 'CRYPTO'] }),
  testnet: Type.Boolean(),
  rails: Type.Array(Type.String()),
  token: Type.Boolean(),
  enabled: Type.Boolean({ description: 'Whether your client may open accounts in this asset.' }),
});
const Catalogue = Type.Object({ products: Type.Array(Type.String()), assets: Type.Array(Type.String()) });

/** GET /v1/products, /v1/assets (additions, CONTRACT §11) and the operator's per-client catalogue. */
export const catalogueRoutes: FastifyPluginAsyncTypebox<{ service: CatalogueService }> = async (app, { service }) => {
  const tags = ['Products and assets'];
  app.get(
    '/products',
    {
      config: { auth: { scope: 'accounts:read' } },
      schema: {
        tags,
        summary: 'List products',
        response: { 200: Type.Object({ data: Type.Object({ products: Type.Array(Product) }) }), ...errorResponses() },
      },
    },
    async (request) => {
      const enabled = await service.forClient(readContext(request).db, readContext(request).tenantId);
      return { data: { products: service.products().map((p) => ({ ...p, enabled: enabled.products.includes(p.product_id) })) } };
    },
  );
  app.get(
    '/assets',
    {
      config: { auth: { scope: 'accounts:read' } },
      schema: {
        tags,
        summary: 'List assets',
        response: { 200: Type.Object({ data: Type.Object({ assets: Type.Array(Asset) }) }), ...errorResponses() },
      },
    },
    async (request) => {
      const enabled = await service.forClient(readContext(request).db, readContext(request).tenantId);
      return { data: { assets: service.assets().map((a) => ({ ...a, enabled: enabled.assets.includes(a.asset_type_id) })) } };
    },
  );

  const admin = { auth: { scope: 'admin' as const, tenant: false } };
  const Params = Type.Object({ client_id: Type.String({ maxLength: 128 }) });
  app.get(
    '/admin/clients/:client_id/catalogue',
    {
      config: admin,
      schema: {
        tags: ['Admin: clients'],
        summary: "A client's enabled products and assets",
        params: Params,
        response: { 200: data(Catalogue), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => {
      const ctx = readContext(request);
      await app.ledgerline.services.clients.get(ctx, request.params.client_id);
      return { data: await service.forClient(ctx.db, request.params.client_id) };
    },
  );
  app.put(
    '/admin/clients/:client_id/catalogue',
    {
      config: admin,
      schema: {
        tags: ['Admin: clients'],
        summary: "Set a client's enabled products and assets",
        headers: MutationHeaders,
        params: Params,
        body: Type.Object(
          { products: Type.Array(Type.String(), { maxItems: 50 }), assets: Type.Array(Type.String(), { maxItems: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: data(Catalogue), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => {
      const ctx = writeContext(request);
      await app.ledgerline.services.clients.get(ctx, request.params.client_id);
      return { data: await service.set(ctx, request.params.client_id, request.body) };
    },
  );
};
