import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';

/** Raw Ed25519 public keys are wrapped in this DER SPKI prefix. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function toPrivateKey(key: string | KeyObject): KeyObject {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519')
    throw new TypeError('privateKey must be an Ed25519 private key (PEM or KeyObject).');
  return k;
}

/** The 32-byte public half of an Ed25519 key, in hex: what `POST /v1/signing-keys` registers. */
export function publicKeyHex(key: string | KeyObject): string {
  const k = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  return k.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length).toString('hex');
}

/** A public key object from 32 raw bytes in hex. */
export function publicKeyFromHex(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError('expected a 32-byte Ed25519 public key in hex (64 characters)');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/**
 * Request signing (CONTRACT §8): hex Ed25519 over `<x-timestamp><METHOD><path with query, as
 * sent><raw body>`. Ed25519 is deterministic and the server accepts a signature once, so two
 * different requests with identical bytes in the same second would collide: the signer moves the
 * timestamp of the second one forward (within the server's ±300 s window).
 */
export class RequestSigner {
  private readonly key: KeyObject;
  private readonly last = new Map<string, number>();

  constructor(key: string | KeyObject) {
    this.key = toPrivateKey(key);
  }

  sign(method: string, pathWithQuery: string, body: Uint8Array, nowMs = Date.now()): { timestamp: string; signature: string } {
    const now = Math.floor(nowMs / 1000);
    const digest = createHash('sha256').update(method).update('\0').update(pathWithQuery).update('\0').update(body).digest('hex');
    const previous = this.last.get(digest);
    const ts = previous !== undefined && previous >= now ? previous + 1 : now;
    if (this.last.size > 10_000) {
      for (const [k, t] of this.last) if (t < now - 600) this.last.delete(k);
    }
    this.last.set(digest, ts);
    const timestamp = String(ts);
    const message = Buffer.concat([Buffer.from(`${timestamp}${method}${pathWithQuery}`, 'utf8'), body]);
    return { timestamp, signature: sign(null, message, this.key).toString('hex') };
  }
}
