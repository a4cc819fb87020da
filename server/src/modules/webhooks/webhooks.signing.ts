import { generateKeyPairSync } from 'node:crypto';
import { ed25519Signer } from '../../shared/ed25519.js';

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

/**
 * Signers by private key, the most recently used last, at most SIGNERS_MAX. Parsing the PEM and
 * signing with node:crypto took 0.6 ms per delivery (and per card authorization's decision
 * request); a kept signer (libsodium where it loads) takes a few tens of µs. The keys are in this
 * process's memory while they sign either way; a key no longer used leaves the map as others come.
 */
export const SIGNERS_MAX = 1024;
const signers = new Map<string, (message: string) => string>();

function signerFor(privateKeyPem: string): (message: string) => string {
  let signer = signers.get(privateKeyPem);
  if (signer) {
    signers.delete(privateKeyPem); // re-inserted: the most recently used
  } else {
    signer = ed25519Signer(privateKeyPem);
    if (signers.size >= SIGNERS_MAX) signers.delete(signers.keys().next().value as string);
  }
  signers.set(privateKeyPem, signer);
  return signer;
}

/** Hex Ed25519 signature of `<timestamp><body>` (UTF-8). */
export function signDelivery(privateKeyPem: string, timestamp: string, body: string): string {
  return signerFor(privateKeyPem)(`${timestamp}${body}`);
}

/** How many signers are kept (tests). */
export const keptSigners = (): number => signers.size;
