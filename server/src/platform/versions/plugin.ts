import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../shared/errors.js';
import { normalizeBody } from './normalize.js';
import { LAYER2_OPERATIONS, operationKey } from './operations.js';
import { READ_ONLY_FIELDS, withReadOnly } from './read-only.js';
import { applyViews, type Json, withoutNulls } from './views.js';
import './views/index.js';
import { type ApiVersion, DEFAULT_API_VERSION, isApiVersion, VERSION_HEADER } from './versions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Layer2 API version this request is answered in (docs/versions.md). */
    apiVersion: ApiVersion;
  }
}

type Schema = Record<string, any>;

/** A response schema without `null`: `anyOf [X, null]` becomes X, and the property optional. */
function withoutNullable(schema: Schema): Schema {
  if (!schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(withoutNullable);
  const out: Schema = { ...schema };
  if (schema.properties) {
    const props: Schema = {};
    const nullable: string[] = [];
    for (const [k, p] of Object.entries(schema.properties as Schema)) {
      const branches = (p.anyOf ?? p.oneOf) as Schema[] | undefined;
      const rest = branches?.filter((b) => b.type !== 'null');
      if (branches && rest && rest.length < branches.length) {
        nullable.push(k);
        const { anyOf: _a, oneOf: _o, ...own } = p;
        props[k] = withoutNullable(rest.length === 1 ? { ...own, ...rest[0] } : { ...own, anyOf: rest });
      } else if (Array.isArray(p.type) && p.type.includes('null')) {
        nullable.push(k);
        props[k] = withoutNullable({ ...p, type: p.type.filter((t: string) => t !== 'null') });
      } else props[k] = withoutNullable(p);
    }
    out.properties = props;
    if (Array.isArray(schema.required)) out.required = schema.required.filter((r: string) => !nullable.includes(r));
  }
  for (const k of ['items', 'allOf', 'anyOf', 'oneOf'] as const) if (schema[k]) out[k] = withoutNullable(schema[k]);
  return out;
}

const key = (request: FastifyRequest) => operationKey(request.method, request.routeOptions.url ?? '');

/** A Layer2 answer in the request's version: its views, then no null (a body the route built, not a reply). */
async function shape(request: FastifyRequest, status: number, result: unknown): Promise<unknown> {
  if (status >= 300 || !result || typeof result !== 'object' || Object.getPrototypeOf(result) !== Object.prototype) return result;
  const shaped = await applyViews(key(request), result as Json, { version: request.apiVersion, request });
  return 'data' in shaped ? { ...shaped, data: withoutNulls(shaped.data) } : shaped;
}

/**
 * The version layer of the platform: which version a request is answered in, request bodies
 * normalised as their schema says (normalize.ts), and Layer2 responses shaped for the version
 * where they are serialised (views/). Register before the routes: it adjusts their documented
 * response schemas too (no null on Layer2 operations).
 */
export const versionsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('apiVersion', DEFAULT_API_VERSION);

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const keys = methods.map((m) => operationKey(m, route.url));
      if (!keys.some((k) => LAYER2_OPERATIONS[k])) return;
      const response = route.schema?.response as Record<string, Schema> | undefined;
      if (response?.[200]) route.schema = { ...route.schema, response: { ...response, 200: withoutNullable(response[200]) } };
      // Responses are shaped as the handler returns them: inside the unit of work for mutations
      // (so the stored idempotent answer is the shaped one, and views read in its transaction).
      const handler = route.handler;
      route.handler = async function versioned(this: FastifyInstance, request, reply) {
        const result = await handler.call(this, request, reply);
        return shape(request, reply.statusCode, result);
      };
      const readOnly = keys.flatMap((k) => READ_ONLY_FIELDS[k] ?? []);
      let body = route.schema?.body as Schema | undefined;
      if (body && readOnly.length) {
        for (const field of readOnly) body = withReadOnly(body, field.split('.'));
        route.schema = { ...route.schema, body };
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      const asked = request.headers[VERSION_HEADER];
      if (asked !== undefined) {
        if (!isApiVersion(asked)) {
          throw new AppError('VALIDATION_ERROR', `${VERSION_HEADER} must be one of: 1.0.5, 1.1.2.`, VERSION_HEADER);
        }
        request.apiVersion = asked;
      } else {
        const own = (request.auth as { caller?: { apiVersion?: string } } | null)?.caller?.apiVersion;
        request.apiVersion = isApiVersion(own) ? own : DEFAULT_API_VERSION;
      }
      reply.header(VERSION_HEADER, request.apiVersion);
    });

    app.addHook('preValidation', async (request) => {
      const body = request.routeOptions.schema?.body as Schema | undefined;
      if (body && request.body && typeof request.body === 'object') normalizeBody(request.body, body);
    });
  },
  { name: 'api-versions', dependencies: ['auth'] },
);
