/**
 * Request signing (CONTRACT §8) with WebCrypto Ed25519, in Node and in browsers alike: nothing
 * here imports node:crypto, so a browser bundle of the SDK carries no Node builtin.
 */
import { concat, fromBase64, fromHex, nodeCrypto, toHex, utf8 } from './bytes.js';

/** A Node `KeyObject` (or anything that exports PKCS#8 DER the same way). */
export interface KeyObjectLike {
  readonly type: string;
  readonly asymmetricKeyType?: string | undefined;
  export(options: { format: 'der'; type: 'pkcs8' }): Uint8Array;
}
/** An Ed25519 private key: PKCS#8 PEM, a Node `KeyObject`, or a WebCrypto `CryptoKey` (usage "sign"). */
export type PrivateKeyInput = string | KeyObjectLike | CryptoKey;

/** Raw Ed25519 public keys are wrapped in this DER SPKI prefix. */
const SPKI_ED25519_PREFIX = '302a300506032b6570032100';
/** id-Ed25519 (1.3.101.112) as DER: every Ed25519 PKCS#8 or SPKI structure holds it. */
const ED25519_OID = '06032b6570';

const isCryptoKey = (k: unknown): k is CryptoKey =>
  typeof CryptoKey !== 'undefined' ? k instanceof CryptoKey : !!k && typeof k === 'object' && 'algorithm' in k && 'usages' in k;

function pemBody(pem: string, label: string): Uint8Array | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  return m?.[1] ? fromBase64(m[1]) : undefined;
}

/** The PKCS#8 DER of an Ed25519 private key given as PEM or KeyObject; checked synchronously. */
function pkcs8Of(key: string | KeyObjectLike): Uint8Array {
  let der: Uint8Array | undefined;
  if (typeof key === 'string') der = pemBody(key, 'PRIVATE KEY');
  else if (key.type === 'private' && key.asymmetricKeyType === 'ed25519')
    der = new Uint8Array(key.export({ format: 'der', type: 'pkcs8' }));
  if (!der || !toHex(der.subarray(0, 16)).includes(ED25519_OID))
    throw new TypeError('privateKey must be an Ed25519 private key (PKCS#8 PEM, KeyObject or CryptoKey).');
  return der;
}

const subtle = () => {
  const s = globalThis.crypto?.subtle;
  if (!s)
    throw new Error(
      'Ledgerline: WebCrypto (crypto.subtle) is not available here; Ed25519 signing needs it (a secure context in a browser).',
    );
  return s;
};

/**
 * The 32-byte public half of an Ed25519 key, in hex: what `POST /v1/signing-keys` registers.
 * A public key (PEM or KeyObject) works everywhere; deriving it from a private key uses Node's
 * crypto (loaded on use). In a browser, use `publicKeyHexAsync`.
 */
export function publicKeyHex(key: string | KeyObjectLike): string {
  const spki = typeof key === 'string' ? pemBody(key, 'PUBLIC KEY') : undefined;
  if (spki) return spkiToHex(spki);
  const node = nodeCrypto();
  if (!node) throw new Error('Ledgerline: publicKeyHex of a private key needs Node ≥ 20.16; use publicKeyHexAsync.');
  const k = key as unknown as import('node:crypto').KeyObject;
  const pub = typeof key === 'string' || k.type === 'private' ? node.createPublicKey(key as string) : k;
  return spkiToHex(new Uint8Array(pub.export({ format: 'der', type: 'spki' })));
}

/** `publicKeyHex` for any Ed25519 key, with WebCrypto (works in browsers). */
export async function publicKeyHexAsync(key: PrivateKeyInput): Promise<string> {
  if (typeof key === 'string') {
    const spki = pemBody(key, 'PUBLIC KEY');
    if (spki) return spkiToHex(spki);
  }
  if (!isCryptoKey(key) && typeof key !== 'string' && key.type === 'public') {
    return publicKeyHex(key);
  }
  const crypto = subtle();
  const priv = isCryptoKey(key) ? key : await crypto.importKey('pkcs8', pkcs8Of(key) as BufferSource, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.exportKey('jwk', priv);
  if (!jwk.x) throw new TypeError('not an Ed25519 key');
  return toHex(fromBase64(jwk.x));
}

function spkiToHex(spki: Uint8Array): string {
  const hex = toHex(spki);
  if (!hex.startsWith(SPKI_ED25519_PREFIX) || spki.length !== 44) throw new TypeError('not an Ed25519 public key');
  return hex.slice(SPKI_ED25519_PREFIX.length);
}

/** A WebCrypto public key from 32 raw bytes in hex. */
export async function publicKeyFromHex(hex: string): Promise<CryptoKey> {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError('expected a 32-byte Ed25519 public key in hex (64 characters)');
  return subtle().importKey('raw', fromHex(hex) as BufferSource, { name: 'Ed25519' }, false, ['verify']);
}

/**
 * Request signing (CONTRACT §8): hex Ed25519 over `<x-timestamp><METHOD><path with query, as
 * sent><raw body>`. Ed25519 is deterministic and the server accepts a signature once, so two
 * different requests with identical bytes in the same second would collide: the signer moves the
 * timestamp of the second one forward (within the server's ±300 s window).
 */
export class RequestSigner {
  private key: Promise<CryptoKey> | undefined;
  private readonly source: CryptoKey | Uint8Array;
  private readonly last = new Map<string, number>();

  constructor(key: PrivateKeyInput) {
    // Checked now (a wrong key fails at construction); imported into WebCrypto on first use.
    this.source = isCryptoKey(key) ? key : pkcs8Of(key);
  }

  private cryptoKey(): Promise<CryptoKey> {
    const source = this.source;
    this.key ??= isCryptoKey(source)
      ? Promise.resolve(source)
      : subtle().importKey('pkcs8', source as BufferSource, { name: 'Ed25519' }, false, ['sign']);
    return this.key;
  }

  async sign(
    method: string,
    pathWithQuery: string,
    body: Uint8Array,
    nowMs = Date.now(),
  ): Promise<{ timestamp: string; signature: string }> {
    const now = Math.floor(nowMs / 1000);
    const digest = toHex(
      new Uint8Array(await subtle().digest('SHA-256', concat(utf8(`${method}\0${pathWithQuery}\0`), body) as BufferSource)),
    );
    const previous = this.last.get(digest);
    const ts = previous !== undefined && previous >= now ? previous + 1 : now;
    if (this.last.size > 10_000) {
      for (const [k, t] of this.last) if (t < now - 600) this.last.delete(k);
    }
    this.last.set(digest, ts);
    const timestamp = String(ts);
    const message = concat(utf8(`${timestamp}${method}${pathWithQuery}`), body);
    const signature = new Uint8Array(await subtle().sign('Ed25519', await this.cryptoKey(), message as BufferSource));
    return { timestamp, signature: toHex(signature) };
  }
}
