/**
 * The unit-of-work rules (docs/adr/0005) kept by the code's shape: use cases never reach for the
 * pool, a clock or a transaction of their own. A module that needs one gets it from the request
 * context or the scheduler's pass.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const modules = files(join(SRC, 'modules')).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** The platform's own services that read through the pool outside any unit (authentication, delivery, boot). */
const POOL_HOLDERS = new Set([
  'modules/clients/clients.service.ts',
  'modules/signing-keys/signing-keys.service.ts',
  'modules/webhooks/webhooks.delivery.ts',
  'modules/ledger/verify-cli.ts',
]);

const offenders = (test: (text: string) => boolean) => modules.filter((f) => test(f.text)).map((f) => f.path);

describe('architecture: one unit of work per request', () => {
  it('finds the module sources it checks', () => {
    expect(modules.length).toBeGreaterThan(50);
    expect(modules.some((f) => f.path === 'modules/transfers/transfers.service.ts')).toBe(true);
  });

  it('no module holds the connection pool, except the platform services that must', () => {
    const holding = offenders((t) => /readonly (db|database): (Db|Database)\b/.test(t));
    expect(holding.filter((p) => !POOL_HOLDERS.has(p))).toEqual([]);
  });

  it('no module opens a transaction or reaches the app database handle', () => {
    expect(offenders((t) => /\.transaction\(|inTransaction\(|ownTransaction\(/.test(t))).toEqual(
      ['modules/webhooks/webhooks.delivery.ts'], // the delivery worker runs outside any request
    );
    expect(offenders((t) => /ledgerline\.database/.test(t))).toEqual([]);
  });

  it('no module reads the time itself: business time is ctx.now or the scheduler pass', () => {
    // Real time, on purpose: secret rotation vs token issue times, the signature window, delivery.
    expect(offenders((t) => /new Date\(\)|Date\.now\(\)|clock\.now\(\)/.test(t)).sort()).toEqual([
      'modules/clients/clients.service.ts',
      'modules/signing-keys/signing-keys.service.ts',
      'modules/webhooks/webhooks.delivery.ts',
    ]);
  });
});
