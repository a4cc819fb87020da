import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ClientsService } from '../../modules/clients/index.js';
import { isScope } from '../../shared/scopes.js';
import type { TokenService } from './tokens.js';

/**
 * OAuth2 client credentials (RFC 6749 §4.4), Layer2/Okta style (CONTRACT §1): credentials by HTTP
 * Basic or form fields; grant_type and scope in the query string or the form body. Errors at this
 * endpoint are RFC 6749's `{error, error_description}`, not the API envelope.
 */
type OAuthError = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/**
 * `challenge: false` when the client sent its credentials in the form: RFC 6749 §5.2 requires the
 * Basic challenge only for HTTP Basic, and a browser (the console) that receives one would open its
 * own password prompt instead of letting the page show the error.
 */
function oauthError(reply: FastifyReply, error: OAuthError, description: string, challenge = true) {
  const status = error === 'invalid_client' ? 401 : 400;
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

export const oauthRoutes: FastifyPluginAsyncTypebox<{ clients: ClientsService; tokens: TokenService }> = async (
  app,
  { clients, tokens },
) => {
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
    if (!creds) return oauthError(reply, 'invalid_client', 'Client authentication is required (HTTP Basic or client_id/client_secret).');
    const client = await clients.authenticate(creds.id, creds.secret);
    if (!client) return oauthError(reply, 'invalid_client', 'Client authentication failed.', Boolean(basic));

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
    response: {
      200: Type.Object({
        token_type: Type.Literal('Bearer'),
        expires_in: Type.Integer(),
        access_token: Type.String(),
        scope: Type.String(),
      }),
      400: Type.Object({ error: Type.String(), error_description: Type.String() }),
      401: Type.Object({ error: Type.String(), error_description: Type.String() }),
    },
  };
  app.post('/oauth2/token', { schema }, handler);
  app.post('/api/oauth2/token', { schema: { ...schema, hide: true } }, handler);
};
