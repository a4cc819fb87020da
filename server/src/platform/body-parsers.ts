import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors.js';
import { prepareJson } from '../shared/json-amounts.js';
import { encodedTextProblem, encodingError } from './input.js';

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
 * Bodies are UTF-8 (RFC 8259 §8.1): a Content-Type naming another charset is refused with 415,
 * rather than read as UTF-8 and stored garbled.
 */
export function refuseForeignCharset(request: FastifyRequest): void {
  const type = request.headers['content-type'] ?? '';
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type);
  if (m && !/^utf-?8$/i.test(m[1] as string)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `charset=${m[1]} is not supported: send the body in UTF-8 (charset=utf-8, or no charset).`,
    );
  }
}

/**
 * Body parsers that keep the raw bytes. An empty JSON body parses to undefined: routes without a
 * body accept none, an empty one, or {} (CONTRACT §2); routes with a body refuse it by schema.
 * Only JSON is parsed here: the token route adds the form parser for itself (registerFormParser),
 * so a form body (curl -d) sent anywhere else is a 415 that says to send JSON.
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
      try {
        refuseForeignCharset(request);
        if (!isUtf8(body)) throw encodingError('utf8', undefined, 'The request body');
        const text = body.toString('utf8');
        if (body.length === 0 || text.trim() === '') return done(null, undefined);
        try {
          // Invalid JSON is refused first: prepareJson's tokenizer is linear on valid JSON only (on
          // unterminated strings it rescans to the end each time: minutes for a crafted 1 MB body).
          JSON.parse(text);
        } catch {
          throw new AppError('INVALID_JSON', 'The request body is not valid JSON.');
        }
        done(null, parseJson(prepareJson(text)));
      } catch (err) {
        done(err instanceof AppError ? err : new AppError('INVALID_JSON', 'The request body is not valid JSON.'), undefined);
      }
    },
  );
}

/**
 * application/x-www-form-urlencoded, for the OAuth2 token route only (RFC 6749 §4.4.2). Register it
 * inside that route's plugin. A NUL or invalid UTF-8 once decoded is refused like in JSON bodies.
 */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    /^application\/x-www-form-urlencoded(\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (request, body: Buffer, done) => {
      request.rawBody = body;
      try {
        refuseForeignCharset(request);
        const text = body.toString('latin1'); // one char per byte: percentDecode sees the bytes
        const problem = encodedTextProblem(text, true);
        if (problem) throw encodingError(problem, undefined, 'The request body');
        done(null, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
