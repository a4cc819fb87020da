import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ClientsService } from '../../modules/clients/clients.service.js';
import type { AuthContext } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { ADMIN_SCOPE, type Scope } from '../../shared/scopes.js';
import type { RateLimiter } from '../rate-limit.js';
import type { TokenService } from './tokens.js';

export type { AuthContext } from '../../shared/context.js';

/**
 * Per-route auth declaration, in the route's `config`:
 *  - `scope`: the scope the token must carry (operator tokens carry every scope);
 *  - `tenant`: false for routes that do not act on a tenant's data (admin routes).
 * A route without `config.auth` is public.
 */
export interface RouteAuth {
  /** Absent: any valid token of the client (e.g. its own signing keys). */
  scope?: Scope;
  tenant?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    auth: AuthContext;
  }
}

const CLIENT_HEADER = 'x-l2f-client-id';

export interface AuthPluginOptions {
  tokens: TokenService;
  clients: ClientsService;
  rateLimiter: RateLimiter;
}

function bearer(request: FastifyRequest): string {
  const h = request.headers.authorization;
  const m = h ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(h) : null;
  if (!m) {
    throw new AppError('UNAUTHORIZED', 'An Authorization: Bearer <access_token> header is required.', undefined, {
      'www-authenticate': 'Bearer',
    });
  }
  return m[1] as string;
}

async function authenticate(request: FastifyRequest, opts: AuthPluginOptions, route: RouteAuth): Promise<void> {
  const claims = await opts.tokens.verify(bearer(request));
  const caller = await opts.clients.find(claims.clientId);
  // A token outlives neither its client nor a secret rotation.
  if (!caller || claims.issuedAt.getTime() < Math.floor(caller.tokensValidAfter.getTime() / 1000) * 1000) {
    throw new AppError('UNAUTHORIZED', 'The access token is no longer valid.', undefined, {
      'www-authenticate': 'Bearer error="invalid_token"',
    });
  }
  // Scopes: those granted in the token and still held by the client.
  const held = new Set(caller.scopes);
  const scopes = new Set(claims.scopes.filter((s) => held.has(s)));
  const operator = caller.isOperator && scopes.has(ADMIN_SCOPE);

  const retryAfter = opts.rateLimiter.take(caller.id);
  if (retryAfter > 0) {
    throw new AppError('RATE_LIMITED', 'Too many requests for this client.', undefined, { 'retry-after': String(retryAfter) });
  }

  if (route.scope && !scopes.has(route.scope)) {
    throw new AppError('INSUFFICIENT_SCOPE', `This operation requires the scope ${route.scope}.`);
  }

  let tenant = caller;
  const actingFor = request.headers[CLIENT_HEADER];
  if (typeof actingFor === 'string' && actingFor !== '' && actingFor !== caller.id) {
    if (!operator) throw new AppError('FORBIDDEN', `Only the platform operator may use ${CLIENT_HEADER}.`, CLIENT_HEADER);
    const named = await opts.clients.find(actingFor);
    if (!named || named.isOperator) {
      throw new AppError('VALIDATION_ERROR', `${CLIENT_HEADER} does not name a client.`, CLIENT_HEADER);
    }
    tenant = named;
  } else if (caller.isOperator && route.tenant !== false) {
    throw new AppError(
      'VALIDATION_ERROR',
      `The operator acts on a client's data only for that client: send ${CLIENT_HEADER}.`,
      CLIENT_HEADER,
    );
  }
  request.auth = { caller, tenant, tenantId: tenant.id, operator, scopes };
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, opts) => {
    app.decorateRequest('auth', null as unknown as AuthContext);
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.config.auth;
      if (route) await authenticate(request, opts, route);
    });
  },
  { name: 'auth' },
);
