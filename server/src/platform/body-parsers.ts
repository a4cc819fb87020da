import type { FastifyInstance } from 'fastify';
import { AppError } from '../shared/errors.js';
import { quoteAmounts } from '../shared/json-amounts.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (request signing and idempotency fingerprints need it). */
    rawBody: Buffer | undefined;
  }
}

export const BODY_LIMIT = 1024 * 1024;

/** JSON with prototype-pollution keys refused, like Fastify's own secure-json-parse. */
function parseJson(text: string): unknown {
  return JSON.parse(text, (key, value) => {
    if (key === '__proto__' || key === 'constructor') {
      if (key === '__proto__' || (value && typeof value === 'object' && 'prototype' in value)) {
        throw new AppError('INVALID_JSON', 'The request body contains a forbidden key.');
      }
    }
    return value;
  });
}

/**
 * Body parsers that keep the raw bytes. An empty JSON body parses to undefined: routes without a
 * body accept none, an empty one, or {} (CONTRACT §2); routes with a body refuse it by schema.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.decorateRequest('rawBody', undefined);
  // No body at all validates as null: body schemas then say "must be object", NoBody accepts it.
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && request.method !== 'GET' && request.method !== 'HEAD') request.body = null;
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    /^application\/([\w.+-]+\+)?json(\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (request, body: Buffer, done) => {
      request.rawBody = body;
      const text = body.toString('utf8');
      if (body.length === 0 || text.trim() === '') return done(null, undefined);
      try {
        // Invalid JSON is refused first: quoteAmounts' tokenizer is linear on valid JSON only (on
        // unterminated strings it rescans to the end each time: minutes for a crafted 1 MB body).
        JSON.parse(text);
        done(null, parseJson(quoteAmounts(text)));
      } catch (err) {
        done(err instanceof AppError ? err : new AppError('INVALID_JSON', 'The request body is not valid JSON.'), undefined);
      }
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (request, body: Buffer, done) => {
      request.rawBody = body;
      done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    },
  );
}
