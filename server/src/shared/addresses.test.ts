import { base58 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import {
  isBitcoinAddress,
  isEthereumAddress,
  isSolanaAddress,
  newBitcoinAddress,
  newEthereumAddress,
  newSolanaAddress,
  toEip55,
} from './addresses.js';

/** The test vectors of EIP-55 (all caps, all lower, and mixed). */
const EIP55 = [
  '0x52908400098527886E0F7030069857D2E4169EE7',
  '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
  '0xde709f2102306220921060314715629080e2fb77',
  '0x27b1fdb04752bbc536007a920d24acb045561c26',
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];

/** Flips the case of the last letter of an address. */
const flipLastLetter = (a: string) => {
  const i = a.search(/[a-fA-F][0-9]*$/);
  const ch = a[i] as string;
  return a.slice(0, i) + (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) + a.slice(i + 1);
};

describe('Ethereum (EIP-55)', () => {
  it.each(EIP55)('toEip55 checksums %s from its lower- or upper-case hex', (vector) => {
    const hex = vector.slice(2);
    expect(toEip55(hex.toLowerCase())).toBe(vector);
    expect(toEip55(hex.toUpperCase())).toBe(vector);
    expect(isEthereumAddress(vector)).toBe(true);
  });

  it('rejects a mixed-case address whose checksum is wrong', () => {
    expect(flipLastLetter('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD');
    for (const vector of EIP55.slice(4)) expect(isEthereumAddress(flipLastLetter(vector))).toBe(false);
    expect(isEthereumAddress('0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(false);
  });

  it('accepts all-lower and all-upper hex (no checksum) and refuses malformed input', () => {
    expect(isEthereumAddress('0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed')).toBe(true);
    expect(isEthereumAddress('0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED')).toBe(true);
    expect(isEthereumAddress('5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(false);
    expect(isEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe')).toBe(false);
    expect(isEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0')).toBe(false);
    expect(isEthereumAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg')).toBe(false);
    expect(isEthereumAddress('')).toBe(false);
  });
});

describe('Bitcoin', () => {
  it.each([
    ['bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', true, false],
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', true, false],
    ['1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', true, false],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', true, false],
    ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', false, true],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', false, true],
    ['mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn', false, true],
    ['2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc', false, true],
  ] as const)('%s: mainnet %s, testnet %s', (address, mainnet, testnet) => {
    expect([isBitcoinAddress(address, 'MAINNET'), isBitcoinAddress(address, 'TESTNET')]).toEqual([mainnet, testnet]);
  });

  it('rejects a corrupted character, a wrong witness version or length, and garbage', () => {
    expect(isBitcoinAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mq', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'MAINNET')).toBe(false);
    expect(isBitcoinAddress('', 'TESTNET')).toBe(false);
  });
});

describe('Solana', () => {
  it('accepts base58 of 32 bytes only', () => {
    expect(isSolanaAddress('11111111111111111111111111111111')).toBe(true);
    expect(isSolanaAddress('So11111111111111111111111111111111111111112')).toBe(true);
    expect(isSolanaAddress('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA')).toBe(true);
    expect(isSolanaAddress(base58.encode(new Uint8Array(31).fill(7)))).toBe(false);
    expect(isSolanaAddress(base58.encode(new Uint8Array(33).fill(7)))).toBe(false);
    expect(isSolanaAddress('So1111111111111111111111111111111111111111O')).toBe(false);
    expect(isSolanaAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(false);
    expect(isSolanaAddress('')).toBe(false);
  });
});

describe('generated addresses', () => {
  it('always validate for their chain and network (50 of each)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const eth = newEthereumAddress();
      expect(isEthereumAddress(eth), eth).toBe(true);
      expect(toEip55(eth.slice(2))).toBe(eth);
      const main = newBitcoinAddress('MAINNET');
      expect([main.startsWith('bc1q'), main.length, isBitcoinAddress(main, 'MAINNET'), isBitcoinAddress(main, 'TESTNET')], main).toEqual([
        true,
        42,
        true,
        false,
      ]);
      const test = newBitcoinAddress('TESTNET');
      expect([test.startsWith('tb1q'), test.length, isBitcoinAddress(test, 'TESTNET'), isBitcoinAddress(test, 'MAINNET')], test).toEqual([
        true,
        42,
        true,
        false,
      ]);
      const sol = newSolanaAddress();
      expect([isSolanaAddress(sol), base58.decode(sol).length], sol).toEqual([true, 32]);
      for (const a of [eth, main, test, sol]) seen.add(a);
    }
    expect(seen.size).toBe(200);
  });
});
