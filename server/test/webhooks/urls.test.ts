/** Callback URL rules (unit): which addresses production refuses, and why. */
import { describe, expect, it } from 'vitest';
import { blockedKind, checkCallbackUrl, parseCallbackUrl, publicOnlyLookup } from '../../src/modules/webhooks/webhooks.urls.js';

describe('blockedKind', () => {
  it('names the range of every non-public address', () => {
    const cases: [string, string | undefined][] = [
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.1', 'private'],
      ['100.64.0.1', 'private'],
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.251', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fe80::1', 'link-local'],
      ['fd12:3456::1', 'private'],
      ['fc00::1', 'private'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:10.0.0.1', 'private'],
      ['64:ff9b::a9fe:a9fe', 'link-local'],
      ['172.32.0.1', undefined],
      ['100.128.0.1', undefined],
      ['8.8.8.8', undefined],
      ['93.184.215.14', undefined],
      ['2606:4700:4700::1111', undefined],
      ['::ffff:8.8.8.8', undefined],
      ['localhost', 'invalid'],
    ];
    expect(cases.map(([address]) => [address, blockedKind(address)])).toEqual(cases);
  });
});

describe('parseCallbackUrl and checkCallbackUrl', () => {
  it('sandbox takes http and https anywhere; production https to public hosts only', async () => {
    expect(parseCallbackUrl('http://localhost:3000/x', 'sandbox').host).toBe('localhost:3000');
    expect(() => parseCallbackUrl('ftp://a.example/', 'sandbox')).toThrow('callback_url must be an http or https URL.');
    expect(() => parseCallbackUrl('/relative', 'sandbox')).toThrow('callback_url must be an absolute http or https URL.');
    expect(() => parseCallbackUrl('http://a.example/', 'production')).toThrow('callback_url must use https in production.');
    expect(() => parseCallbackUrl('https://[::1]:8443/', 'production')).toThrow(
      'callback_url must reach a public address; ::1 is loopback.',
    );
    await expect(checkCallbackUrl('https://localhost/', 'production')).rejects.toThrow(/is loopback\.$/);
    await expect(checkCallbackUrl('https://no-such-host.invalid/', 'production')).rejects.toThrow(
      "callback_url's host no-such-host.invalid does not resolve.",
    );
    expect((await checkCallbackUrl('https://8.8.8.8/hooks', 'production')).href).toBe('https://8.8.8.8/hooks');
  });

  it('the socket lookup refuses a host resolving to a loopback address', async () => {
    const err = await new Promise<Error | null>((resolve) => publicOnlyLookup('localhost', {}, (e) => resolve(e)));
    expect(err?.message).toMatch(/^callback_url must reach a public address; (127\.0\.0\.1|::1) is loopback\.$/);
  });
});
