import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { wallClock } from '../shared/clock.js';
import { ERROR_CATALOGUE } from '../shared/errors.js';
import { ALL_SCOPES } from '../shared/scopes.js';
import { createAjv, type ValidateFunction } from '../shared/validator.js';
import { finishReference } from './openapi-examples.js';

/**
 * OpenAPI 3.1, generated from the route schemas (never hand-written), at /openapi.json, and an
 * interactive reference at /docs. Routes under /api/v1 mirror /v1 and are left out of the document.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const catalogue = Object.entries(ERROR_CATALOGUE)
    .map(([code, e]) => `| ${code} | ${e.status} | ${e.description} |`)
    .join('\n');
  // Examples are built to validate against their own schema: checked with the API's own Ajv
  // configuration, the document's components added once, each schema compiled once.
  const valid = (doc: Record<string, any>) => {
    const ajv = createAjv(wallClock());
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    const compiled = new WeakMap<object, ValidateFunction | null>();
    return (schema: Record<string, any>, value: unknown) => {
      let fn = compiled.get(schema);
      if (fn === undefined) {
        try {
          fn = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')));
        } catch {
          fn = null;
        }
        compiled.set(schema, fn);
      }
      return fn ? (fn(value) as boolean) : false;
    };
  };
  let finished: unknown;
  await app.register(swagger, {
    transformObject: (documentObject) => {
      const doc = (documentObject as { openapiObject: Record<string, any> }).openapiObject;
      finished ??= finishReference(doc, valid(doc));
      return finished as typeof doc;
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ledgerline API',
        version: '0.1.0',
        description:
          'An open, self-hostable payments platform, wire-compatible with the Layer2 Financial API. Every route is served under /v1 and /api/v1.\n\n' +
          'Errors: `{"errors":[{"code","description","field"?}]}`, one entry per problem.\n\n| code | HTTP | meaning |\n|---|---|---|\n' +
          catalogue,
      },
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            flows: {
              clientCredentials: {
                tokenUrl: '/oauth2/token',
                scopes: Object.fromEntries(ALL_SCOPES.map((s) => [s, s === 'admin' ? 'platform operator' : s])),
              },
            },
          },
        },
      },
      security: [{ oauth2: [] }],
    },
    // Shared schemas keep their $id as component name (ErrorBody, not def-0): SDK generators
    // name their types after it.
    refResolver: {
      buildLocalReference: (json: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, i: number) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transform: ({ schema, url, route }) => {
      const s = (schema ?? {}) as Record<string, unknown>;
      const auth = route.config?.auth;
      const scope = auth?.scope;
      const scopes = scope === undefined ? [] : typeof scope === 'string' ? [scope] : [...scope];
      return {
        schema: {
          ...s,
          ...(url.startsWith('/api/') && { hide: true }),
          // Public (no config.auth): no security. A route needing a token but no scope (the
          // client's own signing keys) still needs the token: oauth2 with no scope, not [].
          security: auth ? [{ oauth2: scopes }] : [],
        } as typeof schema,
        url,
      };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
