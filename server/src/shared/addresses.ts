import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { base58, bech32 } from '@scure/base';

/**
 * Blockchain addresses: generating deposit addresses that are valid for their chain, and checking
 * addresses clients send (counterparties). Ethereum: EIP-55 mixed-case checksum over keccak-256.
 * Bitcoin: bech32 segwit v0 (BIP-173), `bc1` on mainnet, `tb1` on testnet; legacy base58check
 * accepted on input. Solana: base58 of a 32-byte ed25519 public key.
 */
export function toEip55(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = Buffer.from(keccak_256(new TextEncoder().encode(lower))).toString('hex');
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = lower[i] as string;
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out;
}

export function isEthereumAddress(address: string): boolean {
  const m = /^0x([0-9a-fA-F]{40})$/.exec(address);
  if (!m) return false;
  const body = m[1] as string;
  // All-lower or all-upper carry no checksum (EIP-55 allows them); mixed case must match.
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  return toEip55(body) === address;
}

export function isBitcoinAddress(address: string, network: 'MAINNET' | 'TESTNET'): boolean {
  const hrp = network === 'MAINNET' ? 'bc' : 'tb';
  if (address.toLowerCase().startsWith(`${hrp}1`)) {
    // BIP-173: all lower case or all upper case, never mixed.
    if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
    try {
      const decoded = bech32.decode(address.toLowerCase() as `${string}1${string}`);
      if (decoded.prefix !== hrp) return false;
      const [version, ...rest] = decoded.words;
      const program = bech32.fromWords(rest);
      return version === 0 && (program.length === 20 || program.length === 32);
    } catch {
      return false;
    }
  }
  // Legacy P2PKH / P2SH (base58check)
  try {
    const raw = base58.decode(address);
    if (raw.length !== 25) return false;
    const body = raw.slice(0, 21);
    const check = createHash('sha256').update(createHash('sha256').update(body).digest()).digest().subarray(0, 4);
    if (!Buffer.from(raw.slice(21)).equals(check)) return false;
    const version = raw[0];
    return network === 'MAINNET' ? version === 0x00 || version === 0x05 : version === 0x6f || version === 0xc4;
  } catch {
    return false;
  }
}

export function isSolanaAddress(address: string): boolean {
  try {
    return /^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(address) && base58.decode(address).length === 32;
  } catch {
    return false;
  }
}

export function newEthereumAddress(): string {
  return toEip55(randomBytes(20).toString('hex'));
}

export function newBitcoinAddress(network: 'MAINNET' | 'TESTNET'): string {
  const program = createHash('ripemd160')
    .update(createHash('sha256').update(randomBytes(33)).digest())
    .digest();
  return bech32.encode(network === 'MAINNET' ? 'bc' : 'tb', [0, ...bech32.toWords(program)]);
}

export function newSolanaAddress(): string {
  const spki = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return base58.encode(spki.subarray(spki.length - 32));
}
