import type { FastifyError, FastifyInstance } from 'fastify';
import { pgErrorCode } from '../db/client.js';
import { AppError, ERROR_CATALOGUE, type ErrorEntry } from '../shared/errors.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/mailing_address/city` -> `mailing_address.city`; a missing or unknown property joins its name. */
function fieldOf(err: AjvError, context: string): string {
  let path = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const extra =
    err.keyword === 'required'
      ? (err.params.missingProperty as string)
      : err.keyword === 'additionalProperties'
        ? (err.params.additionalProperty as string)
        : err.keyword === 'discriminator'
          ? (err.params.tag as string)
          : undefined;
  if (extra) path = path ? `${path}.${extra}` : extra;
  if (!path && context !== 'body') path = context;
  return path;
}

function describe(err: AjvError, field: string): string {
  const where = field || 'The body';
  switch (err.keyword) {
    case 'required':
      return `${field} is required.`;
    case 'additionalProperties':
      return `${field} is not a known field.`;
    case 'enum':
      return `${where} must be one of: ${(err.params.allowedValues as unknown[]).join(', ')}.`;
    case 'format':
      return `${where} is not a valid ${String(err.params.format)}.`;
    case 'discriminator':
      return `${where}: ${err.message ?? 'unknown type'}.`;
    default:
      return `${where} ${err.message ?? 'is invalid'}.`;
  }
}

/** Ajv errors -> one catalogue entry per bad field (CONTRACT §2). */
export function validationEntries(errors: AjvError[], context: string): ErrorEntry[] {
  const seen = new Set<string>();
  const entries: ErrorEntry[] = [];
  // A value failing every branch of an anyOf (e.g. an amount: number or decimal string) is one
  // problem: one entry, naming the accepted forms, instead of one per branch.
  const alternatives = new Map<string, string[]>();
  for (const e of errors) {
    const branch = /^(.*\/anyOf)\/\d+\//.exec((e as AjvError & { schemaPath?: string }).schemaPath ?? '');
    if (!branch || e.keyword === 'anyOf') continue;
    const form =
      e.keyword === 'type'
        ? `a ${String(e.params.type)}`
        : e.keyword === 'pattern' || e.keyword === 'format'
          ? 'a string of the expected form'
          : (e.message ?? 'valid');
    const list = alternatives.get(e.instancePath) ?? [];
    if (!list.includes(form)) list.push(form);
    alternatives.set(e.instancePath, list);
  }
  for (const [path, forms] of alternatives) {
    const field = fieldOf({ instancePath: path, keyword: 'anyOf', params: {} }, context);
    entries.push({ code: 'VALIDATION_ERROR', description: `${field || 'The body'} must be ${forms.join(' or ')}.`, field });
    seen.add(`${field}|anyOf`);
  }
  // With discriminated unions Ajv reports the chosen branch only; `if`/`anyOf` wrappers add
  // summary errors whose details are already listed: drop them.
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    if (alternatives.has(e.instancePath) && /\/anyOf\/\d+\//.test((e as AjvError & { schemaPath?: string }).schemaPath ?? '')) continue;
    const field = fieldOf(e, context);
    const description = describe(e, field);
    const key = `${field}|${description}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push({ code: 'VALIDATION_ERROR', description, field });
  }
  if (!entries.length) entries.push({ code: 'VALIDATION_ERROR', description: `The ${context} is invalid.` });
  return entries;
}

/** Fastify's own errors mapped onto the catalogue. */
function fromFastify(err: FastifyError): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'This Content-Type is not supported here; send application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the 1 MB limit.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
    default:
      break;
  }
  if (err instanceof SyntaxError || (err as { name?: string }).name === 'SyntaxError') {
    return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  if (err.validation) {
    return AppError.many(validationEntries(err.validation as unknown as AjvError[], err.validationContext ?? 'body'));
  }
  const code = pgErrorCode(err);
  if (code === '23505') return new AppError('DUPLICATE_ID', 'A resource with this identifier already exists.');
  if (code === '22P02' || code === '22003' || code === '22001' || code === '22007' || code === '22008') {
    return new AppError('VALIDATION_ERROR', 'A value is out of range or malformed.');
  }
  const status = err.statusCode;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 404) return new AppError('NOT_FOUND', 'No such route.');
  if (status !== undefined && status >= 400 && status < 500) return new AppError('VALIDATION_ERROR', err.message);
  return undefined;
}

/** An error as the catalogue knows it, or undefined for an unexpected one (a 500). */
export function asAppError(error: unknown): AppError | undefined {
  return error instanceof AppError ? error : fromFastify(error as FastifyError);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let appError = asAppError(error);
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      appError = new AppError('INTERNAL_ERROR', `An internal error occurred (request id ${request.id}).`);
    } else if (appError.status >= 500) {
      request.log.error({ err: error }, 'server error');
    }
    for (const [k, v] of Object.entries(appError.headers)) reply.header(k, v);
    return reply.code(appError.status).type('application/json; charset=utf-8').send({ errors: appError.entries });
  });

  app.setNotFoundHandler(async (request, reply) => {
    return reply
      .code(404)
      .send({ errors: [{ code: 'NOT_FOUND', description: `No route ${request.method} ${request.url.split('?')[0]}.` }] });
  });
}

export { ERROR_CATALOGUE };
