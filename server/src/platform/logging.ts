import type { Writable } from 'node:stream';
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { LogLevel } from '../config/index.js';

/**
 * Log lines (pino, Fastify's own): JSON with the level's name ("level":"warn", not 40) and an ISO
 * time, so that a log pipeline needs no pino-specific mapping. Request lines carry request_id;
 * on an authenticated route every request line, "incoming request" included, carries client_id
 * (and tenant_id when the operator acts for a client): that line is written once the auth plugin
 * has identified the caller (RequestLogController).
 * Secrets never reach a line: the token endpoint may receive client_secret in its query string,
 * which the request serializer masks.
 */
const SECRET_PARAMS = /([?&](?:client_secret|secret|password)=)[^&#]*/gi;

const REDACTED_HEADERS = ['headers.authorization', 'headers.cookie'];

/** The URL with secret query parameters masked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

export function loggerOptions(level: LogLevel, stream?: Writable) {
  return {
    level,
    ...(stream && { stream }),
    formatters: { level: (label: string) => ({ level: label }) },
    // Request headers a plugin logs whole (@fastify/multipart at trace: `busboyOptions.headers`)
    // carry the bearer token: masked wherever a line holds headers one or two levels down.
    redact: {
      paths: [...REDACTED_HEADERS, ...REDACTED_HEADERS.map((h) => `*.${h}`), ...REDACTED_HEADERS.map((h) => `*.*.${h}`)],
      censor: '[redacted]',
    },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    serializers: {
      req: (request: FastifyRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
}

const INCOMING_LOGGED = Symbol('incoming request logged');
type Marked = FastifyRequest & { [INCOMING_LOGGED]?: true };

/** Writes the "incoming request" line of a request, once (with whatever its logger carries now). */
export function logIncomingRequest(request: FastifyRequest): void {
  const marked = request as Marked;
  if (marked[INCOMING_LOGGED]) return;
  marked[INCOMING_LOGGED] = true;
  request.log.info({ req: request }, 'incoming request');
}

/**
 * Fastify's request lines, with "incoming request" of a route declaring `config.auth` deferred
 * to the auth plugin (logIncomingRequest, after the caller is known, refused or not), so that it
 * carries client_id like the lines after it. Should anything answer before the auth hook runs,
 * the line is written before "request completed": every request still has both.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'request_id' });
  }

  override incomingRequest(request: FastifyRequest, _reply: FastifyReply): void {
    if (this.isLogDisabled(request) || request.routeOptions?.config?.auth) return;
    logIncomingRequest(request);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.isLogDisabled(request)) logIncomingRequest(request);
    super.requestCompleted(error, request, reply);
  }
}
