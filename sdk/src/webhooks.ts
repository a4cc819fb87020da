import { concat, fromHex, fromUtf8, nodeCrypto, utf8 } from './bytes.js';
import { WebhookVerificationError } from './errors.js';
import { parseJson } from './json.js';
import { publicKeyFromHex } from './signing.js';

/** What Ledgerline POSTs to a subscription's callback_url (CONTRACT §9). Amounts in `event_data` are exact strings. */
export interface WebhookEvent<D = Record<string, unknown>> {
  event_id: string;
  event_date: string;
  event_type: string;
  event_data: D;
}

export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** How far x-timestamp may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time in milliseconds (default Date.now()). */
  now?: number;
}

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

interface Checked {
  raw: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

/** Everything but the signature itself: headers present and well formed, timestamp in the window. */
function precheck(rawBody: string | Uint8Array, headers: HeadersLike, publicKeyHex: string, options: VerifyWebhookOptions): Checked {
  const raw = typeof rawBody === 'string' ? utf8(rawBody) : new Uint8Array(rawBody);
  const timestamp = header(headers, 'x-timestamp');
  const signatureHex = header(headers, 'x-signature');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('missing or malformed x-timestamp');
  if (!signatureHex || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) throw new WebhookVerificationError('missing or malformed x-signature');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = (options.now ?? Date.now()) / 1000;
  if (Math.abs(now - Number(timestamp)) > tolerance) throw new WebhookVerificationError(`x-timestamp is more than ${tolerance} s from now`);
  if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex))
    throw new WebhookVerificationError('bad verification key: expected a 32-byte Ed25519 public key in hex (64 characters)');
  return { raw, message: concat(utf8(timestamp), raw), signature: fromHex(signatureHex) };
}

/** The verified body as an event (amounts exact), its id matching `x-l2f-event-id` when sent. */
function finish<D>(raw: Uint8Array, headers: HeadersLike): WebhookEvent<D> {
  let event: WebhookEvent<D>;
  try {
    event = parseJson(fromUtf8(raw));
  } catch {
    throw new WebhookVerificationError('body is not JSON');
  }
  const eventId = header(headers, 'x-l2f-event-id');
  if (eventId !== undefined && eventId !== event.event_id) throw new WebhookVerificationError('x-l2f-event-id does not match the body');
  return event;
}

const BAD_SIGNATURE = 'signature does not match the body and timestamp';

/**
 * Verifies a webhook delivery and returns its event: `x-signature` must be a hex Ed25519
 * signature of `<x-timestamp><raw body>` by the subscription's `signature_verification_key`,
 * `x-timestamp` within the tolerance, and `x-l2f-event-id` (when sent) the body's event_id.
 * Pass the body exactly as received (bytes or string), before any JSON parsing. Amounts in the
 * event are exact strings. Synchronous, with Node's crypto (loaded on use, Node ≥ 20.16);
 * `verifyWebhookAsync` does the same with WebCrypto, anywhere.
 */
export function verifyWebhook<D = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  publicKeyHex: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent<D> {
  const node = nodeCrypto();
  if (!node) throw new Error('Ledgerline: verifyWebhook needs Node ≥ 20.16 (node:crypto); use verifyWebhookAsync elsewhere.');
  const { raw, message, signature } = precheck(rawBody, headers, publicKeyHex, options);
  let ok: boolean;
  try {
    const key = node.createPublicKey({
      key: concat(fromHex('302a300506032b6570032100'), fromHex(publicKeyHex)) as never,
      format: 'der',
      type: 'spki',
    });
    ok = node.verify(null, message, key, signature);
  } catch (err) {
    throw new WebhookVerificationError(`bad verification key: ${(err as Error).message}`);
  }
  if (!ok) throw new WebhookVerificationError(BAD_SIGNATURE);
  return finish<D>(raw, headers);
}

/** `verifyWebhook` with WebCrypto Ed25519: the same checks, in any runtime that has `crypto.subtle`. */
export async function verifyWebhookAsync<D = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  publicKeyHex: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent<D>> {
  const { raw, message, signature } = precheck(rawBody, headers, publicKeyHex, options);
  let key: CryptoKey;
  try {
    key = await publicKeyFromHex(publicKeyHex);
  } catch (err) {
    throw new WebhookVerificationError(`bad verification key: ${(err as Error).message}`);
  }
  const ok = await globalThis.crypto.subtle.verify('Ed25519', key, signature as BufferSource, message as BufferSource);
  if (!ok) throw new WebhookVerificationError(BAD_SIGNATURE);
  return finish<D>(raw, headers);
}
