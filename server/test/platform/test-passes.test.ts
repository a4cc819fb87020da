/**
 * CI runs the suite twice, on the embedded database and on PostgreSQL; the second pass leaves out
 * the files vitest.config.ts lists as DB_INDEPENDENT. Each of them must really be so: none may
 * reach the test app, a server process, a database or its settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DB_INDEPENDENT } from '../../vitest.config.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REACHES_A_DATABASE =
  /helpers\.js|server-process\.js|_fixtures\.js|_support\.js|src\/db\/|src\/app\.js|bootstrap\.js|DATABASE_URL|getApp/;

describe('the suite on PostgreSQL (TEST_SKIP_DB_INDEPENDENT=1)', () => {
  it('leaves out only files that touch no database', () => {
    expect(DB_INDEPENDENT.length).toBeGreaterThan(0);
    for (const file of DB_INDEPENDENT) {
      const path = join(SERVER, file);
      expect(existsSync(path), file).toBe(true);
      expect(readFileSync(path, 'utf8').match(REACHES_A_DATABASE)?.[0], file).toBeUndefined();
    }
  });

  it('runs every other file', () => {
    const ci = readFileSync(join(SERVER, '..', '.ci', 'run'), 'utf8');
    // The embedded pass runs everything; only the PostgreSQL pass sets the variable.
    expect(ci).toMatch(/TEST_SKIP_DB_INDEPENDENT=1 TEST_DATABASE_URL=\S+ npm test/);
    expect(ci.match(/TEST_SKIP_DB_INDEPENDENT/g)).toHaveLength(1);
  });
});
