import { type LookupAddress, type LookupOptions, lookup } from 'node:dns';
import { lookup as lookupAll } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Mode } from '../../config/index.js';

/**
 * Where callbacks may go. Sandbox: http or https, any host (localhost included, so developers
 * receive on their machine). Production: https only, and every address the host resolves to must
 * be public: private, shared (CGNAT), loopback, link-local, unspecified, multicast and reserved
 * ranges are refused, at subscription time and again when connecting (the check runs inside the
 * socket's DNS lookup, so the address checked is the address connected to: no DNS rebinding).
 */
export const MAX_URL_LENGTH = 2048;

const RANGES: [kind: string, family: 'ipv4' | 'ipv6', network: string, prefix: number][] = [
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '100.64.0.0', 10],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['private', 'ipv6', 'fc00::', 7],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['multicast', 'ipv6', 'ff00::', 8],
];
const LISTS = new Map<string, BlockList>();
for (const [kind, family, network, prefix] of RANGES) {
  const list = LISTS.get(kind) ?? new BlockList();
  list.addSubnet(network, prefix, family);
  LISTS.set(kind, list);
}

/** The 8 groups of an IPv6 address, or undefined. Accepts `::` and a trailing dotted quad. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split('::');
  if (rest.length) return undefined;
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** An IPv4 address carried in IPv6 (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96). */
function embeddedIpv4(groups: number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (!mapped && !nat64) return undefined;
  return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
}

/** Why an address may not receive callbacks in production ('loopback', 'private', …), or undefined. */
export function blockedKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'invalid';
  let target = address;
  let type: 'ipv4' | 'ipv6' = family === 4 ? 'ipv4' : 'ipv6';
  if (type === 'ipv6') {
    const groups = ipv6Groups(address.replace(/%.*$/, ''));
    if (!groups) return 'invalid';
    const v4 = embeddedIpv4(groups);
    if (v4) {
      target = v4;
      type = 'ipv4';
    }
  }
  for (const [kind, list] of LISTS) if (list.check(target, type)) return kind;
  return undefined;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class UrlRefused extends Error {
  readonly code = 'ERR_WEBHOOK_URL_REFUSED';
}

/** Protocol and form; in production also a literal address. Throws UrlRefused. */
export function parseCallbackUrl(raw: string, mode: Mode): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('callback_url must be an absolute http or https URL.');
  }
  if (raw.length > MAX_URL_LENGTH) throw new UrlRefused(`callback_url must be at most ${MAX_URL_LENGTH} characters.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UrlRefused('callback_url must be an http or https URL.');
  if (mode === 'production') {
    if (url.protocol !== 'https:') throw new UrlRefused('callback_url must use https in production.');
    const host = hostOf(url);
    if (isIP(host)) refuseAddress(host);
  }
  return url;
}

function refuseAddress(address: string): void {
  const kind = blockedKind(address);
  if (kind) throw new UrlRefused(`callback_url must reach a public address; ${address} is ${kind === 'invalid' ? 'not valid' : kind}.`);
}

/** Subscription time: the full check, resolving the host name in production. Throws UrlRefused. */
export async function checkCallbackUrl(raw: string, mode: Mode): Promise<URL> {
  const url = parseCallbackUrl(raw, mode);
  const host = hostOf(url);
  if (mode === 'production' && !isIP(host)) {
    let addresses: LookupAddress[];
    try {
      addresses = await lookupAll(host, { all: true, verbatim: true });
    } catch {
      throw new UrlRefused(`callback_url's host ${host} does not resolve.`);
    }
    if (!addresses.length) throw new UrlRefused(`callback_url's host ${host} does not resolve.`);
    for (const a of addresses) refuseAddress(a.address);
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Delivery time, production: the `lookup` of the outgoing socket. Resolves every address and
 * refuses them all if one is not public, so the connection can only go where the check passed.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses) => {
    if (err) return callback(err, []);
    try {
      if (!addresses.length) throw new UrlRefused(`${hostname} does not resolve.`);
      for (const a of addresses) refuseAddress(a.address);
    } catch (refused) {
      return callback(refused as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
}
