/**
 * Webhook and card-decision signatures (CONTRACT §9): Ed25519 over `<x-timestamp><body>`, hex,
 * verifiable with the subscription's signature_verification_key. signDelivery keeps one signer
 * per private key (parsing the PEM per delivery took 0.6 ms), at most SIGNERS_MAX of them.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keptSigners, newKeyPair, SIGNERS_MAX, signDelivery } from '../../src/modules/webhooks/webhooks.signing.js';

/** A raw 32-byte Ed25519 public key (hex) as a KeyObject. */
const publicKeyOf = (rawHex: string) =>
  createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(rawHex, 'hex')]),
    format: 'der',
    type: 'spki',
  });

describe('signDelivery', () => {
  it('signs <timestamp><body> as UTF-8, verifiable with the published key, the same bytes as node:crypto', () => {
    const { publicKeyHex, privateKeyPem } = newKeyPair();
    const body = JSON.stringify({ event_id: 'evt_1', event_data: { description: 'café ☕' } });
    const signature = signDelivery(privateKeyPem, '1764547200', body);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    const message = Buffer.from(`1764547200${body}`, 'utf8');
    expect(verify(null, message, publicKeyOf(publicKeyHex), Buffer.from(signature, 'hex'))).toBe(true);
    expect(signature).toBe(sign(null, message, privateKeyPem).toString('hex'));
    // Another timestamp or body: another signature, each still the key's.
    const again = signDelivery(privateKeyPem, '1764547201', body);
    expect(again).not.toBe(signature);
    expect(verify(null, Buffer.from(`1764547201${body}`), publicKeyOf(publicKeyHex), Buffer.from(again, 'hex'))).toBe(true);
  });

  it('keeps one signer per key, never signing with another key, and at most SIGNERS_MAX', () => {
    const a = newKeyPair();
    const b = newKeyPair();
    const before = keptSigners();
    const sa = signDelivery(a.privateKeyPem, '1', 'x');
    const sb = signDelivery(b.privateKeyPem, '1', 'x');
    expect(sa).not.toBe(sb);
    expect(signDelivery(a.privateKeyPem, '1', 'x')).toBe(sa);
    expect(keptSigners()).toBe(Math.min(before + 2, SIGNERS_MAX));
    for (let i = 0; i < SIGNERS_MAX + 5; i++) {
      const { privateKey } = generateKeyPairSync('ed25519');
      signDelivery(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), '1', 'x');
    }
    expect(keptSigners()).toBe(SIGNERS_MAX);
    // Evicted or not, a key signs as itself.
    expect(verify(null, Buffer.from('1x'), publicKeyOf(a.publicKeyHex), Buffer.from(signDelivery(a.privateKeyPem, '1', 'x'), 'hex'))).toBe(
      true,
    );
  });

  it('refuses what is not an Ed25519 private key', () => {
    expect(() => signDelivery('not a key', '1', 'x')).toThrow();
  });
});
