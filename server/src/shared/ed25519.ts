import { createPublicKey, type KeyObject, verify } from 'node:crypto';

/**
 * Ed25519 keys and signatures as clients send them (CONTRACT §8): a public key as 32-byte hex,
 * DER SPKI hex (what Layer2's Node sample exports) or PEM SPKI; a signature as hex or base64.
 */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The raw 32-byte key as lowercase hex, or undefined when the input is not an Ed25519 public key. */
export function normalizePublicKey(input: string): string | undefined {
  const text = input.trim();
  try {
    if (/^[0-9a-fA-F]{64}$/.test(text)) return text.toLowerCase();
    if (/^[0-9a-fA-F]{88}$/.test(text)) {
      const der = Buffer.from(text, 'hex');
      return der.subarray(0, 12).equals(SPKI_PREFIX) ? der.subarray(12).toString('hex') : undefined;
    }
    if (text.includes('BEGIN PUBLIC KEY')) {
      const key = createPublicKey(text);
      if (key.asymmetricKeyType !== 'ed25519') return undefined;
      return key.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Parsed keys by their hex (public keys: nothing secret is kept). Bounded: the oldest go first. */
const KEYS = new Map<string, KeyObject>();
const KEYS_MAX = 1000;

export function keyObject(rawHex: string): KeyObject {
  let key = KEYS.get(rawHex);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(rawHex, 'hex')]), format: 'der', type: 'spki' });
    if (KEYS.size >= KEYS_MAX) KEYS.delete(KEYS.keys().next().value as string);
    KEYS.set(rawHex, key);
  }
  return key;
}

export function decodeSignature(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{128}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{86}(==)?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 64 ? b : undefined;
  }
  return undefined;
}

/**
 * Verifies on the event loop (about 0.1 ms). On libuv's thread pool it cost the loop more: the
 * worker thread woken for each verification preempted it on these two cores (docs/benchmarks.md).
 */
export function verifyEd25519(message: Buffer, signature: Buffer, rawKeyHex: string): Promise<boolean> {
  try {
    return Promise.resolve(verify(null, message, keyObject(rawKeyHex), signature));
  } catch {
    return Promise.resolve(false);
  }
}
