import { verify } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import { publicKeyFromHex } from './signing.js';

/** What Ledgerline POSTs to a subscription's callback_url (CONTRACT §9). */
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

/**
 * Verifies a webhook delivery and returns its event: `x-signature` must be a hex Ed25519
 * signature of `<x-timestamp><raw body>` by the subscription's `signature_verification_key`,
 * `x-timestamp` within the tolerance, and `x-l2f-event-id` (when sent) the body's event_id.
 * Pass the body exactly as received (bytes or string), before any JSON parsing.
 */
export function verifyWebhook<D = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  publicKeyHex: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent<D> {
  const raw = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const timestamp = header(headers, 'x-timestamp');
  const signatureHex = header(headers, 'x-signature');
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('missing or malformed x-timestamp');
  if (!signatureHex || !/^[0-9a-fA-F]{128}$/.test(signatureHex)) throw new WebhookVerificationError('missing or malformed x-signature');
  const tolerance = options.toleranceSeconds ?? 300;
  const now = (options.now ?? Date.now()) / 1000;
  if (Math.abs(now - Number(timestamp)) > tolerance) throw new WebhookVerificationError(`x-timestamp is more than ${tolerance} s from now`);
  let key: ReturnType<typeof publicKeyFromHex>;
  try {
    key = publicKeyFromHex(publicKeyHex);
  } catch (err) {
    throw new WebhookVerificationError(`bad verification key: ${(err as Error).message}`);
  }
  const ok = verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]), key, Buffer.from(signatureHex, 'hex'));
  if (!ok) throw new WebhookVerificationError('signature does not match the body and timestamp');
  let event: WebhookEvent<D>;
  try {
    event = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('body is not JSON');
  }
  const eventId = header(headers, 'x-l2f-event-id');
  if (eventId !== undefined && eventId !== event.event_id) throw new WebhookVerificationError('x-l2f-event-id does not match the body');
  return event;
}
