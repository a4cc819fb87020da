/** Hand-built multipart/form-data bodies for upload tests (no form library). */
import { randomBytes } from 'node:crypto';
import type { Api, Response } from '../helpers.js';

export interface Part {
  name: string;
  /** Present for file parts. */
  filename?: string;
  contentType?: string;
  content: Buffer | string;
}

export function multipartBody(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----ledgerline${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head), Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** POSTs a raw body with the Api's token (and acting-for header). */
export async function postRaw(
  api: Api,
  url: string,
  body: Buffer | undefined,
  contentType?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await api.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${api.token}`, ...api.extraHeaders, ...(contentType && { 'content-type': contentType }), ...headers },
    ...(body !== undefined && { payload: body }),
  });
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    parsed = res.body;
  }
  return { status: res.statusCode, body: parsed, headers: res.headers, raw: res.body };
}

/** Uploads `content` as the `file` part of a multipart body to POST /v1/documents/{id}. */
export function uploadFile(api: Api, documentId: string, content: Buffer, filename = 'document.pdf', headers: Record<string, string> = {}) {
  const { body, contentType } = multipartBody([{ name: 'file', filename, contentType: 'application/octet-stream', content }]);
  return postRaw(api, `/v1/documents/${documentId}`, body, contentType, headers);
}

/** Small files of each accepted type, recognisable by their first bytes. */
export const FILES = {
  pdf: Buffer.concat([
    Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n', 'latin1'),
    randomBytes(64),
    Buffer.from('\n%%EOF\n'),
  ]),
  jpeg: Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF'),
    randomBytes(100),
    Buffer.from([0xff, 0xd9]),
  ]),
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100)]),
  gif: Buffer.concat([Buffer.from('GIF89a'), randomBytes(50)]),
  text: Buffer.from('hello, this is not a document\n'),
};
