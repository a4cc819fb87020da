/**
 * Ed25519 verification (CONTRACT §8): libsodium's (sodium-native) where its addon loads, else
 * node:crypto's OpenSSL. Both are held to RFC 8032's test vectors and to the same refusals, so
 * a platform without the addon verifies exactly what a signer produces.
 */

import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { Point } from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { ed25519Backend, ed25519Signer, ed25519Verifiers, isValidPoint, verifyEd25519 } from '../../src/shared/ed25519.js';

// RFC 8032 §7.1, TESTS 1-3: public key, message, signature (hex).
const VECTORS = [
  {
    key: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    key: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    key: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];
const hex = (s: string) => Buffer.from(s, 'hex');
/** The group order L: a signature's S must be below it. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** S + L in place of S (little-endian): the same point equation, a non-canonical encoding. */
function withSPlusL(signature: Buffer): Buffer {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`) + L;
  const bytes = Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse();
  return Buffer.concat([signature.subarray(0, 32), bytes]);
}

describe('Ed25519 verification', () => {
  it('uses libsodium where its addon loads (this platform ships a prebuilt one)', () => {
    // linux-x64 and linux-arm64, darwin and win32 have prebuilt binaries in sodium-native.
    expect(ed25519Backend).toBe('libsodium');
    expect(ed25519Verifiers.libsodium).toBeTypeOf('function');
  });

  for (const backend of ['libsodium', 'openssl'] as const) {
    describe(backend, () => {
      const verify = (m: Buffer, s: Buffer, k: string) => {
        const fn = ed25519Verifiers[backend];
        if (!fn) throw new Error(`${backend} is not loaded`);
        return fn(m, s, k);
      };

      it("accepts RFC 8032's signatures", () => {
        for (const v of VECTORS) expect(verify(hex(v.message), hex(v.signature), v.key)).toBe(true);
      });

      it('refuses another message, another key, a flipped bit and a non-canonical S', () => {
        const [a, b] = VECTORS as [(typeof VECTORS)[0], (typeof VECTORS)[0]];
        expect(verify(hex(b.message), hex(a.signature), a.key)).toBe(false);
        expect(verify(hex(a.message), hex(a.signature), b.key)).toBe(false);
        const flipped = hex(a.signature);
        flipped[10] = (flipped[10] as number) ^ 1;
        expect(verify(hex(a.message), flipped, a.key)).toBe(false);
        expect(verify(hex(a.message), withSPlusL(hex(a.signature)), a.key)).toBe(false);
      });
    });
  }

  it("libsodium refuses the small-order key OpenSSL lets forge any message's signature", () => {
    // The identity point as the key, R = identity and S = 0: [S]B = R + [k]A holds for every message.
    const identity = `01${'00'.repeat(31)}`;
    const forged = Buffer.concat([hex(identity), Buffer.alloc(32)]);
    expect(ed25519Verifiers.openssl(Buffer.from('pay me'), forged, identity)).toBe(true);
    expect(ed25519Verifiers.libsodium?.(Buffer.from('pay me'), forged, identity)).toBe(false);
  });

  it('answers false, never throws, for a signature or key of the wrong length', async () => {
    const v = VECTORS[0] as (typeof VECTORS)[0];
    await expect(verifyEd25519(hex(v.message), hex(v.signature).subarray(0, 63), v.key)).resolves.toBe(false);
    await expect(verifyEd25519(hex(v.message), hex(v.signature), v.key.slice(0, 62))).resolves.toBe(false);
    await expect(verifyEd25519(hex(v.message), hex(v.signature), v.key)).resolves.toBe(true);
  });
});

describe('Ed25519 signing (ed25519Signer)', () => {
  it("signs RFC 8032's vectors from a PKCS#8 PEM key, and as node:crypto does for any key", () => {
    // RFC 8032 §7.1, TESTS 1 and 2: secret keys (seeds) of VECTORS[0] and VECTORS[1].
    const seeds = [
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    ];
    const pem = (seed: string) =>
      `-----BEGIN PRIVATE KEY-----\n${Buffer.concat([hex('302e020100300506032b657004220420'), hex(seed)]).toString('base64')}\n-----END PRIVATE KEY-----\n`;
    seeds.forEach((seed, i) => {
      const v = VECTORS[i] as (typeof VECTORS)[0];
      expect(ed25519Signer(pem(seed))(hex(v.message).toString('latin1'))).toBe(v.signature);
    });
    const { privateKey } = generateKeyPairSync('ed25519');
    const message = '1764460800POST/v1/transfers/trf_1/accept';
    expect(ed25519Signer(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())(message)).toBe(
      sign(null, Buffer.from(message), privateKey).toString('hex'),
    );
  });

  it('refuses a private key of another kind (its seed would be read from the wrong bytes)', () => {
    const { privateKey } = generateKeyPairSync('x25519');
    expect(() => ed25519Signer(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(
      /not an Ed25519 private key \(x25519\)/,
    );
  });
});

describe('Public key points (isValidPoint, the registration check, on either backend)', () => {
  const L = Point.CURVE().n;
  /** [L]Q: the small-order part of a point of the curve. */
  const torsionOf = (q: Point) => q.multiplyUnsafe(L - 1n).add(q);
  /** The eight points of small order, from a point of the curve that has an order-8 part. */
  function smallOrderPoints(): Point[] {
    for (;;) {
      let q: Point;
      try {
        q = Point.fromBytes(randomBytes(32), false);
      } catch {
        continue;
      }
      const t = torsionOf(q);
      if (t.double().double().is0()) continue; // order 1, 2 or 4: try another
      return Array.from({ length: 8 }, (_, k) => Array.from({ length: k }).reduce<Point>((p) => p.add(t), Point.ZERO));
    }
  }
  const keyPoint = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  // Encodings of y >= p (p = 2^255 - 19), with either sign bit: never canonical.
  const nonCanonical = Array.from({ length: 19 }, (_, k) => {
    const b = Buffer.alloc(32, 0xff);
    b[0] = 0xed + k;
    b[31] = 0x7f;
    return [b, Buffer.from(b.map((x, i) => (i === 31 ? x | 0x80 : x)))];
  }).flat();

  it('accepts every RFC 8032 key and refuses small-order, mixed-order, non-canonical and off-curve bytes', () => {
    for (let i = 0; i < 20; i++) expect(isValidPoint(keyPoint())).toBe(true);
    const small = smallOrderPoints();
    expect(new Set(small.map((p) => p.toHex())).size).toBe(8);
    for (const t of small) {
      expect(isValidPoint(t.toBytes())).toBe(false);
      // A key's point plus a small-order one: on the curve, outside the prime-order subgroup.
      if (!t.is0()) expect(isValidPoint(Point.fromBytes(keyPoint(), false).add(t).toBytes())).toBe(false);
    }
    for (const b of nonCanonical) expect(isValidPoint(b)).toBe(false);
    expect(isValidPoint(Buffer.alloc(31))).toBe(false);
    // About half of all 32-byte strings are not on the curve.
    const random = Array.from({ length: 200 }, () => randomBytes(32));
    expect(random.filter((b) => isValidPoint(b)).length).toBeGreaterThan(0);
    expect(random.filter((b) => !isValidPoint(b)).length).toBeGreaterThan(50);
  });

  it("agrees with libsodium's crypto_core_ed25519_is_valid_point on all of those", () => {
    // libsodium loads on this platform (asserted above); the check must refuse what it refuses.
    const sodium = createRequire(import.meta.url)('sodium-native') as { crypto_core_ed25519_is_valid_point(p: Buffer): boolean };
    const small = smallOrderPoints();
    const cases: Buffer[] = [
      ...Array.from({ length: 50 }, keyPoint),
      ...small.map((t) => Buffer.from(t.toBytes())),
      ...small.filter((t) => !t.is0()).map((t) => Buffer.from(Point.fromBytes(keyPoint(), false).add(t).toBytes())),
      ...nonCanonical,
      ...Array.from({ length: 500 }, () => randomBytes(32)),
    ];
    const disagree = cases.filter((b) => isValidPoint(b) !== sodium.crypto_core_ed25519_is_valid_point(b)).map((b) => b.toString('hex'));
    expect(disagree).toEqual([]);
  });
});
