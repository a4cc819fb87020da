import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import { Point } from '@noble/ed25519';

/**
 * Ed25519 keys and signatures as clients send them (CONTRACT §8): a public key as 32-byte hex,
 * DER SPKI hex (what Layer2's Node sample exports) or PEM SPKI; a signature as hex or base64.
 */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The raw 32-byte key as lowercase hex, or undefined when the input is not an Ed25519 public key a
 * signer can hold: 32 bytes that are not a canonical point of the curve's prime-order subgroup (a
 * point of small order, such as the identity, or bytes off the curve) verify nothing under
 * libsodium, and under OpenSSL a small-order key would accept forged signatures. RFC 8032 keys
 * (A = aB) are always such points. Checked the same way whichever backend verifies (isValidPoint).
 */
export function normalizePublicKey(input: string): string | undefined {
  const raw = rawPublicKey(input);
  if (raw === undefined) return undefined;
  return isValidPoint(Buffer.from(raw, 'hex')) ? raw : undefined;
}

/**
 * libsodium's crypto_core_ed25519_is_valid_point, on @noble/ed25519 (audited, no dependencies), so
 * that a platform without libsodium's addon refuses the same keys: a canonical encoding (y below
 * the field's prime; strict RFC 8032 decoding, not ZIP-215's), a point on the curve, not of small
 * order, and in the prime-order subgroup. A key registration's cost (a scalar multiplication in
 * BigInt, a few ms), never a request's. The tests hold it to libsodium's answers.
 */
export function isValidPoint(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  try {
    const point = Point.fromBytes(bytes, false);
    return !point.isSmallOrder() && point.isTorsionFree();
  } catch {
    return false; // not canonical, or not on the curve
  }
}

function rawPublicKey(input: string): string | undefined {
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

/**
 * The verifier: libsodium's (sodium-native), which verifies in about 60 µs here against OpenSSL's
 * 110 µs through node:crypto; under the signed transfer flow that was a fifth of the server's CPU
 * (docs/benchmarks.md). Where its native addon does not load (a platform without a prebuilt
 * binary), node:crypto's OpenSSL verifies instead: both accept every signature RFC 8032 makes;
 * libsodium also refuses a few malformed ones OpenSSL lets through (small-order keys and R),
 * which no signer produces.
 */
interface Sodium {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
  crypto_sign_seed_keypair(publicKey: Buffer, secretKey: Buffer, seed: Buffer): void;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
}
function loadSodium(): Sodium | undefined {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch {
    return undefined;
  }
}
const sodium = loadSodium();
export const ed25519Backend: 'libsodium' | 'openssl' = sodium ? 'libsodium' : 'openssl';

/** A public key parsed once: its 32 bytes, and (OpenSSL only) its KeyObject. */
interface ParsedKey {
  raw: Buffer;
  object?: KeyObject;
}
/** Parsed keys by their hex (public keys: nothing secret is kept). Bounded: the oldest go first. */
const KEYS = new Map<string, ParsedKey>();
const KEYS_MAX = 1000;

function parsed(rawHex: string): ParsedKey {
  let key = KEYS.get(rawHex);
  if (!key) {
    key = { raw: Buffer.from(rawHex, 'hex') };
    if (key.raw.length !== 32) throw new Error('an Ed25519 public key has 32 bytes');
    if (KEYS.size >= KEYS_MAX) KEYS.delete(KEYS.keys().next().value as string);
    KEYS.set(rawHex, key);
  }
  return key;
}

/** Verification by each backend (exported for the tests, which hold both to RFC 8032). */
export const ed25519Verifiers = {
  libsodium: sodium
    ? (message: Buffer, signature: Buffer, rawKeyHex: string): boolean =>
        signature.length === 64 && sodium.crypto_sign_verify_detached(signature, message, parsed(rawKeyHex).raw)
    : undefined,
  openssl(message: Buffer, signature: Buffer, rawKeyHex: string): boolean {
    const key = parsed(rawKeyHex);
    key.object ??= createPublicKey({ key: Buffer.concat([SPKI_PREFIX, key.raw]), format: 'der', type: 'spki' });
    return verify(null, message, key.object, signature);
  },
};
const verifyWith = ed25519Verifiers.libsodium ?? ed25519Verifiers.openssl;

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
 * Verifies on the event loop (about 0.06 ms with libsodium). On libuv's thread pool it cost the
 * loop more: the worker thread woken for each verification preempted it on these two cores
 * (docs/benchmarks.md).
 */
export function verifyEd25519(message: Buffer, signature: Buffer, rawKeyHex: string): Promise<boolean> {
  try {
    return Promise.resolve(verifyWith(message, signature, rawKeyHex));
  } catch {
    return Promise.resolve(false);
  }
}

/**
 * A signer for one private key (PEM PKCS#8), signatures as hex: libsodium where its addon loads
 * (a third of node:crypto's time here), node:crypto otherwise; the same bytes either way (Ed25519
 * is deterministic). The transfer benchmark's load generator signs with it.
 */
export function ed25519Signer(privateKeyPem: string): (message: string) => string {
  const key = createPrivateKey(privateKeyPem);
  // The seed is read from the DER's end below: any other kind of key would give wrong bytes silently.
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 private key (${key.asymmetricKeyType})`);
  if (!sodium) return (message) => sign(null, Buffer.from(message), key).toString('hex');
  const lib = sodium;
  // PKCS#8 of an Ed25519 key: its 32-byte seed ends the DER.
  const seed = key.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const secretKey = Buffer.alloc(64);
  lib.crypto_sign_seed_keypair(Buffer.alloc(32), secretKey, seed);
  const signature = Buffer.alloc(64);
  return (message) => {
    lib.crypto_sign_detached(signature, Buffer.from(message), secretKey);
    return signature.toString('hex');
  };
}
