import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import { MAX_FILE_BYTES } from './documents.types.js';

/** The parts of an upload body @fastify/multipart may hold at most (one `file`, nothing else is expected). */
export const MULTIPART_LIMITS = { fileSize: MAX_FILE_BYTES, files: 2, fields: 10, parts: 12, fieldSize: 10_000, headerPairs: 100 };

const TOO_LARGE = `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`;

/** Refuses a body announced larger than any acceptable upload before reading it. */
export async function refuseOversizedBody(request: FastifyRequest): Promise<void> {
  const length = Number(request.headers['content-length'] ?? 0);
  if (length > MAX_FILE_BYTES + 1024 * 1024) throw new AppError('PAYLOAD_TOO_LARGE', TOO_LARGE, 'file');
}

function fromMultipartError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new AppError('PAYLOAD_TOO_LARGE', TOO_LARGE, 'file');
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return new AppError('PAYLOAD_TOO_LARGE', 'The multipart body has too many parts: send one part, named file.', 'file');
  }
  return new AppError('VALIDATION_ERROR', 'The multipart/form-data body is malformed.', 'file');
}

/** The file sent as the raw body (issue 11: some Layer2 clients upload bytes, not multipart). */
export const RAW_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'application/octet-stream'];

/** A raw body's file name: `?file=` (Rail 1.1.2 declares it) or Content-Disposition's filename. */
function rawFilename(request: FastifyRequest): string | undefined {
  const q = (request.query as Record<string, unknown> | undefined)?.file;
  if (typeof q === 'string' && q) return q;
  const m = /filename="?([^";]+)"?/i.exec(String(request.headers['content-disposition'] ?? ''));
  return m?.[1];
}

/**
 * Reads the one `file` part of a multipart/form-data upload into memory (at most 30 MB), or the
 * raw body when it is sent as application/pdf, image/png, image/jpeg or application/octet-stream.
 * Neither: 400 (field file) when no body was sent, 415 when another kind of body was.
 */
export async function readUpload(request: FastifyRequest): Promise<{ content: Buffer; filename: string | undefined }> {
  if (Buffer.isBuffer(request.body)) return { content: request.body, filename: rawFilename(request) };
  if (!request.isMultipart()) {
    if (request.body === undefined || request.body === null) {
      throw new AppError('VALIDATION_ERROR', 'Send the file as multipart/form-data, in a part named file.', 'file');
    }
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send multipart/form-data with the file in a part named file, or the file itself as application/pdf, image/png, image/jpeg or application/octet-stream.',
    );
  }
  let file: { content: Buffer; filename: string | undefined } | undefined;
  const errors: ErrorEntry[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        const content = await (part as MultipartFile).toBuffer();
        if (part.fieldname !== 'file') {
          errors.push({
            code: 'VALIDATION_ERROR',
            description: `${part.fieldname} is not a known part: send the file as file.`,
            field: part.fieldname,
          });
        } else if (file) {
          errors.push({ code: 'VALIDATION_ERROR', description: 'Send one file per upload.', field: 'file' });
        } else {
          file = { content, filename: part.filename || undefined };
        }
      } else {
        errors.push({ code: 'VALIDATION_ERROR', description: `${part.fieldname} is not a known part.`, field: part.fieldname });
      }
    }
  } catch (err) {
    throw fromMultipartError(err);
  }
  if (!file && !errors.some((e) => e.field === 'file')) {
    errors.unshift({
      code: 'VALIDATION_ERROR',
      description: 'file is required: a multipart part named file holding the document.',
      field: 'file',
    });
  }
  if (errors.length || !file) throw AppError.many(errors);
  return file;
}
