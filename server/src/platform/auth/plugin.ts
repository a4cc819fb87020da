import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ClientsService } from '../../modules/clients/clients.service.js';
import type { AuthContext } from '../../shared/context.js';
import { AppError } from '../../shared/errors.js';
import { ADMIN_SCOPE, type Scope } from '../../shared/scopes.js';
import { logIncomingRequest } from '../logging.js';
import { enforceRateLimit, type RateLimiter } from '../rate-limit.js';
import type { TokenService } from './tokens.js';

export type { AuthContext } from '../../shared/context.js';

/**
 * Per-route auth declaration, in the route's `config`:
 *  - `scope`: the scope the token must carry (operator tokens carry every scope);
 *  - `tenant`: false for routes that do not act on a tenant's data (admin routes).
 * A route without `config.auth` is public.
 */
export interface RouteAuth {
  /** Absent: any valid token of the client (e.g. its own signing keys). Several: all of them. */
  scope?: Scope | readonly Scope[];
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
  /** Called when the rate limiter refuses a request (metrics). */
  onRateLimited?: () => void;
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

async function authenticate(request: FastifyRequest, reply: FastifyReply, opts: AuthPluginOptions, route: RouteAuth): Promise<void> {
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

  enforceRateLimit(opts.rateLimiter, caller.id, reply, opts.onRateLimited);

  const required = route.scope === undefined ? [] : typeof route.scope === 'string' ? [route.scope] : route.scope;
  const missing = required.filter((s) => !scopes.has(s));
  if (missing.length) {
    throw new AppError(
      'INSUFFICIENT_SCOPE',
      required.length === 1
        ? `This operation requires the scope ${required[0]}.`
        : `This operation requires the scopes ${required.join(', ')}; the token lacks ${missing.join(', ')}.`,
    );
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
  // Every later log line of the request names its client (and the tenant an operator acts for).
  // Bound in place on the request's own logger: Fastify makes one per request and gives its reply
  // the same one, and buildApp's logger is pino's (loggerOptions), which binds in place. A second
  // child per request was about 2% of the server's time under the transfer flow, most of it pino
  // rebuilding its formatters (docs/benchmarks.md).
  (request.log as FastifyBaseLogger & { setBindings(b: Record<string, string>): void }).setBindings(
    tenant === caller ? { client_id: caller.id } : { client_id: caller.id, tenant_id: tenant.id },
  );
}

export const authPlugin = fp<AuthPluginOptions>(
  async (app: FastifyInstance, opts) => {
    app.decorateRequest('auth', null as unknown as AuthContext);
    app.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.config.auth;
      if (!route) return;
      try {
        await authenticate(request, reply, opts, route);
      } finally {
        // The request line, now that the caller is known (or refused): RequestLogController.
        logIncomingRequest(request);
      }
    });
  },
  { name: 'auth' },
);
