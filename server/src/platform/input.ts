import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorEntry } from '../shared/errors.js';

/**
 * Hostile input, refused in one place before any route sees it (issue 10):
 *  - a NUL character (PostgreSQL refuses the byte in text: it would surface as a 500) or bytes that
 *    are not UTF-8, in the URL (path or query, percent-encoded or raw) — an onRequest hook that
 *    runs before authentication; in bodies the parsers check (body-parsers.ts, shared/json-input.ts);
 *  - router errors (a malformed percent escape, an over-long path segment) and HTTP parser errors
 *    (a request line over the header limit) answered in the catalogue's shape instead of Fastify's.
 */

/** Percent-decodes `text` to bytes (a malformed escape stays as it is). `plusIsSpace` for forms. */
export function percentDecodeBytes(text: string, plusIsSpace = false): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 /* % */ && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (plusIsSpace && c === 0x2b /* + */) {
      out.push(0x20);
    } else if (c < 0x100) {
      // Node hands the request line over as latin1: one char per byte.
      out.push(c);
    } else {
      out.push(...Buffer.from(text[i] as string, 'utf8'));
    }
  }
  return Buffer.from(out);
}

/** The longest path segment the router matches: ids are at most 128 characters (with room for escapes). */
export const MAX_PARAM_LENGTH = 256;

export type EncodingProblem = 'nul' | 'utf8';

/** Fast path: printable ASCII without a percent escape holds neither problem. */
function mayHide(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 || c === 0 || c >= 0x80) return true;
  }
  return false;
}

/** What is wrong with URL-encoded text once decoded, if anything. */
export function encodedTextProblem(text: string, plusIsSpace = false): EncodingProblem | undefined {
  if (!mayHide(text)) return undefined;
  const bytes = percentDecodeBytes(text, plusIsSpace);
  if (bytes.includes(0)) return 'nul';
  if (!isUtf8(bytes)) return 'utf8';
  return undefined;
}

const NUL_MESSAGE = 'must not contain a NUL character (\\u0000 or %00).';
const UTF8_MESSAGE = 'must be valid UTF-8.';

/** The catalogue entry for text that holds a NUL or invalid UTF-8. */
export function encodingError(problem: EncodingProblem, field: string | undefined, where: string): AppError {
  const description = `${field ?? where} ${problem === 'nul' ? NUL_MESSAGE : UTF8_MESSAGE}`;
  return new AppError('VALIDATION_ERROR', description, field);
}

/** The first query parameter (by name) whose name or value is bad, for the error's field. */
function badQueryField(query: string, plusIsSpace: boolean): { field: string; problem: EncodingProblem } | undefined {
  for (const pair of query.split('&')) {
    const problem = encodedTextProblem(pair, plusIsSpace);
    if (!problem) continue;
    const [rawName = ''] = pair.split('=');
    const nameProblem = encodedTextProblem(rawName, plusIsSpace);
    let field = 'query';
    if (!nameProblem) {
      try {
        field = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        field = 'query';
      }
    }
    return { field, problem };
  }
  return undefined;
}

/** Checks the request target (path and query string) of a request. */
export function checkRequestTarget(url: string, params: unknown): AppError | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  const pathProblem = encodedTextProblem(path);
  if (pathProblem) {
    // Name the path parameter that holds it, when there is one.
    let field: string | undefined;
    for (const [name, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string' && (value.includes('\u0000') || value.includes('\ufffd'))) {
        field = name;
        break;
      }
    }
    return encodingError(pathProblem, field, 'The URL path');
  }
  const bad = query ? badQueryField(query, true) : undefined;
  if (bad) return encodingError(bad.problem, bad.field, 'The query string');
  return undefined;
}

/** Registers the URL check (call before the auth plugin: it answers 400 before anything else runs). */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const err = checkRequestTarget(request.raw.url ?? request.url, request.params);
    if (err) throw err;
  });
}

/** The catalogue body, written by hand where Fastify's reply pipeline is not available. */
function catalogueBody(entries: ErrorEntry[]): string {
  return JSON.stringify({ errors: entries });
}

/**
 * Fastify's router errors (its `frameworkErrors` option), in the catalogue's shape:
 * a malformed percent escape or invalid UTF-8 in a path segment, an over-long path segment.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  let err: AppError;
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      err = new AppError('VALIDATION_ERROR', 'The URL path is malformed: a percent escape is incomplete or does not decode to UTF-8.');
      break;
    case 'FST_ERR_MAX_PARAM_LENGTH':
      err = new AppError(
        'URI_TOO_LONG',
        `A path segment of the URL is longer than ${MAX_PARAM_LENGTH} characters: no identifier is that long.`,
      );
      break;
    default:
      request.log.error({ err: error }, 'router error');
      err = new AppError('INTERNAL_ERROR', `An internal error occurred (request id ${request.id}).`);
  }
  void reply
    .code(err.status)
    .header('x-l2f-request-id', request.id)
    .type('application/json; charset=utf-8')
    .send(catalogueBody(err.entries));
}

/**
 * Errors of Node's HTTP parser (its `clientError` event; Fastify's `clientErrorHandler` option):
 * the request never reached Fastify, so the answer is written on the socket, in the catalogue's shape.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status: number;
  let entry: ErrorEntry;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    entry = { code: 'REQUEST_TIMEOUT', description: 'The request was not received completely in time.' };
  } else if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    entry = {
      code: 'HEADERS_TOO_LARGE',
      description: 'The request line and headers are larger than 16 KB: the URL or a header is too long.',
    };
  } else {
    status = 400;
    entry = { code: 'VALIDATION_ERROR', description: 'The HTTP request is malformed.' };
  }
  const body = catalogueBody([entry]);
  const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
