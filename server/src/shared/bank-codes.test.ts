import { describe, expect, it } from 'vitest';
import {
  bicCountry,
  IBAN_LENGTHS,
  ibanCountry,
  isAbaRoutingNumber,
  isBic,
  isClabe,
  isIban,
  isIfsc,
  isSortCode,
  maskAccountNumber,
  sortCodeDigits,
} from './bank-codes.js';

describe('ABA routing numbers', () => {
  it.each(['021000021', '011000015', '121000358', '026009593', '322271627'])('accepts %s', (n) => {
    expect(isAbaRoutingNumber(n)).toBe(true);
  });
  it('refuses a wrong 3-7-1 checksum (last digit off by one)', () => {
    expect(isAbaRoutingNumber('021000022')).toBe(false);
    expect(isAbaRoutingNumber('121000359')).toBe(false);
  });
  it.each(['02100002', '0210000210', '02100002a', ' 21000021', '02-1000021', ''])('refuses %j: not 9 digits', (n) => {
    expect(isAbaRoutingNumber(n)).toBe(false);
  });
  it('refuses all zeros, and prefixes outside the Federal Reserve ranges even with a valid checksum', () => {
    expect(isAbaRoutingNumber('000000000')).toBe(false);
    // 13xxxxxxx and 50xxxxxxx: weighted sums divisible by 10, prefixes unassigned.
    expect(isAbaRoutingNumber('130000006')).toBe(false);
    expect(isAbaRoutingNumber('500000005')).toBe(false);
    expect(isAbaRoutingNumber('800000006')).toBe(true);
    expect(isAbaRoutingNumber('210000007')).toBe(true);
  });
});

describe('IBAN', () => {
  it.each([
    'DE89370400440532013000',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'AE070331234567890123456',
    'NL91ABNA0417164300',
    'NO9386011117947',
    'BE68539007547034',
    'CH9300762011623852957',
  ])('accepts %s', (iban) => {
    expect(isIban(iban)).toBe(true);
  });
  it('refuses a wrong mod-97 (one digit changed, or two digits swapped)', () => {
    expect(isIban('DE89370400440532013001')).toBe(false);
    expect(isIban('DE89370400440532010300')).toBe(false);
  });
  it('refuses a length that is not the country’s', () => {
    expect(IBAN_LENGTHS.DE).toBe(22);
    expect(isIban('DE8937040044053201300')).toBe(false);
    expect(isIban('DE893704004405320130000')).toBe(false);
  });
  it('refuses a country without IBANs (US) and unknown codes', () => {
    expect(isIban('US64SVBKUS6S3300958879')).toBe(false);
    expect(isIban('ZZ89370400440532013000')).toBe(false);
  });
  it('refuses the printed format, lower case, and check digits 00, 01, 99', () => {
    expect(isIban('DE89 3704 0044 0532 0130 00')).toBe(false);
    expect(isIban('de89370400440532013000')).toBe(false);
    expect(isIban('GB00WEST12345698765432')).toBe(false);
    expect(isIban('GB01WEST12345698765432')).toBe(false);
    expect(isIban('GB99WEST12345698765432')).toBe(false);
  });
  it('names the country', () => {
    expect(ibanCountry('GB82WEST12345698765432')).toBe('GB');
  });
});

describe('BIC (ISO 9362)', () => {
  it.each(['DEUTDEFF', 'DEUTDEFF500', 'NWBKGB2L', 'CHASUS33', 'BOFAUS3NXXX', 'RBOSGGSX'])('accepts %s', (bic) => {
    expect(isBic(bic)).toBe(true);
  });
  it('refuses a length other than 8 or 11', () => {
    expect(isBic('DEUTDEF')).toBe(false);
    expect(isBic('DEUTDEFF5')).toBe(false);
    expect(isBic('DEUTDEFF50')).toBe(false);
    expect(isBic('DEUTDEFF5000')).toBe(false);
  });
  it('refuses digits in the institution code', () => {
    expect(isBic('D3UTDEFF')).toBe(false);
  });
  it('refuses a country code that is not ISO 3166 (ZZ) or not letters', () => {
    expect(isBic('DEUTZZFF')).toBe(false);
    expect(isBic('DEUT12FF')).toBe(false);
  });
  it('refuses lower case and punctuation in location or branch', () => {
    expect(isBic('deutdeff')).toBe(false);
    expect(isBic('DEUTDE-F')).toBe(false);
    expect(isBic('DEUTDEFF50_')).toBe(false);
  });
  it('names the country', () => {
    expect(bicCountry('NWBKGB2L')).toBe('GB');
  });
});

describe('UK sort codes', () => {
  it('accepts 6 digits with or without dashes', () => {
    expect(isSortCode('404784')).toBe(true);
    expect(isSortCode('40-47-84')).toBe(true);
    expect(sortCodeDigits('40-47-84')).toBe('404784');
  });
  it.each(['40478', '4047845', '40-4784', '40 47 84', '4047-84', 'AB4784'])('refuses %j', (s) => {
    expect(isSortCode(s)).toBe(false);
  });
});

describe('IFSC', () => {
  it.each(['HDFC0000001', 'SBIN0001234', 'ICIC0ABC123'])('accepts %s', (s) => {
    expect(isIfsc(s)).toBe(true);
  });
  it('refuses a fifth character other than 0', () => {
    expect(isIfsc('HDFC1000001')).toBe(false);
  });
  it('refuses digits in the bank code, lower case, and wrong lengths', () => {
    expect(isIfsc('HD1C0000001')).toBe(false);
    expect(isIfsc('hdfc0000001')).toBe(false);
    expect(isIfsc('HDFC000001')).toBe(false);
    expect(isIfsc('HDFC00000012')).toBe(false);
  });
});

describe('CLABE', () => {
  it.each(['032180000118359719', '002010077777777771', '002180000118359710'])('accepts %s', (s) => {
    expect(isClabe(s)).toBe(true);
  });
  it('refuses a wrong check digit', () => {
    expect(isClabe('032180000118359718')).toBe(false);
    expect(isClabe('002010077777777772')).toBe(false);
  });
  it('refuses anything but 18 digits', () => {
    expect(isClabe('03218000011835971')).toBe(false);
    expect(isClabe('0321800001183597190')).toBe(false);
    expect(isClabe('03218000011835971A')).toBe(false);
  });
});

describe('masking', () => {
  it('keeps the last 4 characters and the length', () => {
    expect(maskAccountNumber('123456789')).toBe('*****6789');
    expect(maskAccountNumber('0123456789')).toBe('******6789');
    expect(maskAccountNumber('DE89370400440532013000')).toBe('******************3000');
  });
  it('hides short values entirely', () => {
    expect(maskAccountNumber('1234')).toBe('****');
    expect(maskAccountNumber('12')).toBe('**');
  });
});
