import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * The cryptography of the vault (CONTRACT §17), no storage: AES-256-GCM with a random 96-bit
 * nonce and additional authenticated data, key ids derived from the keys, HMAC-SHA-256.
 * Every function takes the key it uses: nothing here knows where keys live.
 */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export class VaultCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultCryptoError';
  }
}

/** AES-256-GCM: nonce ‖ ciphertext ‖ tag. `aad` binds the ciphertext to where it belongs. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  if (key.length !== KEY_BYTES) throw new VaultCryptoError('AES-256-GCM needs a 32-byte key');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new VaultCryptoError('the ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new VaultCryptoError('the ciphertext does not authenticate (wrong key, wrong context, or altered)');
  }
}

export function hmac(key: Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}

/** A master key's public name: derived from the key (one-way), so a wrapped key names the master key it needs. */
export function masterKeyId(masterKey: Buffer): string {
  return `mk_${hmac(masterKey, 'ledgerline master key id').subarray(0, 8).toString('hex')}`;
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * The envelope of an encrypted value, as stored in a text column:
 * `llv1:<data key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The data key id says which key
 * opens it; the context it was sealed for is not stored (the caller knows it).
 */
const ENVELOPE = /^llv1:([A-Za-z0-9_-]{1,80}):([A-Za-z0-9_-]+)$/;

export function formatEnvelope(keyId: string, sealed: Buffer): string {
  return `llv1:${keyId}:${sealed.toString('base64url')}`;
}

export function parseEnvelope(text: string): { keyId: string; sealed: Buffer } | undefined {
  const m = ENVELOPE.exec(text);
  return m ? { keyId: m[1] as string, sealed: Buffer.from(m[2] as string, 'base64url') } : undefined;
}

export function isEnvelope(text: string): boolean {
  return ENVELOPE.test(text);
}

/**
 * The envelope of an encrypted byte string (a file), as stored in a bytea column: the ASCII prefix
 * `llv1:<data key id>:` then the raw nonce ‖ ciphertext ‖ tag (no base64: files are large). A
 * clear file never starts so: uploads are PDF, JPEG or PNG, recognised by their own first bytes.
 */
const BYTES_PREFIX = /^llv1:([A-Za-z0-9_-]{1,80}):/;
const BYTES_HEAD = 'llv1:'.length + 80 + 1;

export function formatBytesEnvelope(keyId: string, sealed: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`llv1:${keyId}:`, 'latin1'), sealed]);
}

export function parseBytesEnvelope(bytes: Buffer): { keyId: string; sealed: Buffer } | undefined {
  const m = BYTES_PREFIX.exec(bytes.subarray(0, BYTES_HEAD).toString('latin1'));
  return m ? { keyId: m[1] as string, sealed: bytes.subarray((m[0] as string).length) } : undefined;
}
