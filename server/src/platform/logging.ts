import type { Writable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { LogLevel } from '../config/index.js';

/**
 * Log lines (pino, Fastify's own): JSON with the level's name ("level":"warn", not 40) and an ISO
 * time, so that a log pipeline needs no pino-specific mapping. Request lines carry request_id;
 * once the caller is authenticated they carry client_id too (auth plugin).
 * Secrets never reach a line: the token endpoint may receive client_secret in its query string,
 * which the request serializer masks.
 */
const SECRET_PARAMS = /([?&](?:client_secret|secret|password)=)[^&#]*/gi;

/** The URL with secret query parameters masked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

export function loggerOptions(level: LogLevel, stream?: Writable) {
  return {
    level,
    ...(stream && { stream }),
    formatters: { level: (label: string) => ({ level: label }) },
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
