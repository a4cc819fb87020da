import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

/**
 * Each subscription has its own Ed25519 key pair. The receiver gets the public half as
 * `signature_verification_key` (raw 32 bytes, hex); the platform signs
 * `<x-timestamp><raw body>` with the private half (PEM PKCS#8 in the database).
 */
export function newKeyPair(): { publicKeyHex: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKeyHex: publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Hex Ed25519 signature of `<timestamp><body>`. */
export function signDelivery(privateKeyPem: string, timestamp: string, body: string): string {
  return sign(null, Buffer.from(`${timestamp}${body}`, 'utf8'), createPrivateKey(privateKeyPem)).toString('hex');
}
