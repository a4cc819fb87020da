import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ClientsService } from '../../modules/clients/index.js';
import { AppError } from '../../shared/errors.js';
import { isScope } from '../../shared/scopes.js';
import { registerFormParser } from '../body-parsers.js';
import { createLoginGuard, type LoginGuardOptions } from './login-guard.js';
import type { TokenService } from './tokens.js';

/**
 * OAuth2 client credentials (RFC 6749 §4.4), Layer2/Okta style (CONTRACT §1): credentials by HTTP
 * Basic or form fields; grant_type and scope in the query string or the form body. Errors at this
 * endpoint are RFC 6749's `{error, error_description}`, not the API envelope.
 */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope' | 'slow_down';

/**
 * `challenge: false` when the client sent its credentials in the form: RFC 6749 §5.2 requires the
 * Basic challenge only for HTTP Basic, and a browser (the console) that receives one would open its
 * own password prompt instead of letting the page show the error.
 */
function oauthError(reply: FastifyReply, error: OAuthError, description: string, challenge = true) {
  // slow_down: the token endpoint's "too many requests" (IANA OAuth errors registry, RFC 8628).
  const status = error === 'invalid_client' ? 401 : error === 'slow_down' ? 429 : 400;
  if (status === 401 && challenge) reply.header('www-authenticate', 'Basic realm="ledgerline"');
  return reply.code(status).header('cache-control', 'no-store').send({ error, error_description: description });
}

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const h = request.headers.authorization;
  const m = h ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}

const Params = Type.Object(
  {
    grant_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export interface OAuthRoutesOptions {
  clients: ClientsService;
  tokens: TokenService;
  guard: LoginGuardOptions;
}

export const oauthRoutes: FastifyPluginAsyncTypebox<OAuthRoutesOptions> = async (app, { clients, tokens, guard: guardOptions }) => {
  // Forms are read here only: elsewhere a form body is a 415 (send JSON).
  registerFormParser(app);
  const guard = await createLoginGuard(app, guardOptions);
  // Errors raised before the handler (bad input in the URL or the form) keep RFC 6749's shape.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 415) {
        return reply.code(415).header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: error.message });
      }
      if (error.status < 500) return oauthError(reply, 'invalid_request', error.message);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      if (status === 413 || status === 415) {
        return reply.code(status).header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: error.message });
      }
      return oauthError(reply, 'invalid_request', 'The token request is malformed.');
    }
    request.log.error({ err: error }, 'token endpoint error');
    return reply
      .code(500)
      .header('cache-control', 'no-store')
      .send({ error: 'server_error', error_description: 'An internal error occurred.' });
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const query = (request.query ?? {}) as Record<string, string | undefined>;
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    const param = (name: string): string | undefined => {
      const v = body[name] ?? query[name];
      return typeof v === 'string' ? v : undefined;
    };

    const grantType = param('grant_type');
    if (!grantType) return oauthError(reply, 'invalid_request', 'grant_type is required.');
    if (grantType !== 'client_credentials') {
      return oauthError(reply, 'unsupported_grant_type', 'Only the client_credentials grant is supported.');
    }
    const basic = basicCredentials(request);
    const formId = param('client_id');
    const formSecret = param('client_secret');
    if (basic && (formId || formSecret)) {
      return oauthError(reply, 'invalid_request', 'Send client credentials either by HTTP Basic or in the form, not both.');
    }
    const creds = basic ?? (formId && formSecret ? { id: formId, secret: formSecret } : undefined);
    // Limits and lockout come before any secret is hashed.
    const verdict = await guard.admit(request, reply, creds?.id ?? formId);
    if (!verdict.ok) {
      request.log.warn({ client_id: creds?.id ?? formId, source_address: request.ip, reason: verdict.reason }, 'token request refused');
      if (verdict.reason === 'locked') {
        return oauthError(
          reply,
          'invalid_client',
          `Too many failed authentications for this client: try again in ${verdict.retryAfter} seconds.`,
          Boolean(basic),
        );
      }
      return oauthError(reply, 'slow_down', `Too many token requests: retry in ${verdict.retryAfter} seconds.`);
    }
    if (!creds) return oauthError(reply, 'invalid_client', 'Client authentication is required (HTTP Basic or client_id/client_secret).');
    const client = await clients.authenticate(creds.id, creds.secret);
    if (!client) {
      guard.failed(creds.id);
      // Who tried, from where; never the secret.
      request.log.warn({ client_id: creds.id, source_address: request.ip, reason: 'bad_credentials' }, 'token request refused');
      return oauthError(reply, 'invalid_client', 'Client authentication failed.', Boolean(basic));
    }
    guard.succeeded(client.id);

    // No scope = every scope the client holds; otherwise space- or +-separated, all held.
    const requested = (param('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    let granted = client.scopes;
    if (requested.length) {
      const unknown = requested.filter((s) => !isScope(s) || !client.scopes.includes(s));
      if (unknown.length) return oauthError(reply, 'invalid_scope', `Scope not available to this client: ${unknown.join(' ')}.`);
      granted = [...new Set(requested)];
    }
    const token = await tokens.issue(client.id, granted);
    return reply
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ token_type: 'Bearer', expires_in: token.expires_in, access_token: token.access_token, scope: granted.join(' ') });
  };

  const schema = {
    tags: ['Authentication'],
    summary: 'OAuth2 token (client credentials)',
    description:
      'POST with HTTP Basic client credentials (or client_id/client_secret form fields); grant_type=client_credentials and scope in the query string or the form body.',
    querystring: Params,
    // The form body (RFC 6749 §2.3.1 / §4.4.2). Documented per content type so that a Basic
    // request without a body is not validated against it.
    body: {
      content: {
        'application/x-www-form-urlencoded': {
          schema: Type.Object(
            {
              grant_type: Type.Optional(
                Type.String({
                  description: 'client_credentials (or in the query string); any other is refused with unsupported_grant_type.',
                }),
              ),
              client_id: Type.Optional(Type.String({ description: 'With client_secret, instead of HTTP Basic.' })),
              client_secret: Type.Optional(Type.String()),
              scope: Type.Optional(Type.String({ description: 'Space-separated; default: every scope the client holds.' })),
            },
            {
              additionalProperties: true,
              examples: [
                {
                  grant_type: 'client_credentials',
                  client_id: 'cli_0193f0c2-5b7a-7c3e-9a41-2d6f8b1e4c07',
                  client_secret: 'sk_live_example_secret',
                  scope: 'customers:read accounts:read',
                },
              ],
            },
          ),
        },
      },
    },
    response: {
      200: Type.Object({
        token_type: Type.Literal('Bearer'),
        expires_in: Type.Integer(),
        access_token: Type.String(),
        scope: Type.String(),
      }),
      400: Type.Object({ error: Type.String(), error_description: Type.String() }),
      401: Type.Object({ error: Type.String(), error_description: Type.String() }),
      429: Type.Object({ error: Type.String(), error_description: Type.String() }),
    },
  };
  app.post('/oauth2/token', { schema }, handler);
  app.post('/api/oauth2/token', { schema: { ...schema, hide: true } }, handler);
};
