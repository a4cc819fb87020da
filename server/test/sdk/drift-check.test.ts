/**
 * `npm run sdk:check` (CI): passes on types generated from the server's document, fails with its
 * message when they drift. It runs on copies (SDK_GENERATED_DIR), never on sdk/src/generated.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cleanEnv, REPO } from './_packed.js';

const exec = promisify(execFile);

/** The generator builds the app on an embedded database: its own folder, not sdk/data (another run may hold it). */
const dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-sdk-drift-data-'));

async function npmRun(script: string, dir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npm', ['run', '--silent', script], {
      cwd: REPO,
      env: cleanEnv({ SDK_GENERATED_DIR: dir, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
      maxBuffer: 1 << 26,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('npm run sdk:check', { timeout: 300_000 }, () => {
  it('passes on freshly generated types and exits 1 with the drift message once they change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-sdk-drift-'));
    const committed = readFileSync(join(REPO, 'sdk', 'src', 'generated', 'openapi.ts'), 'utf8');
    try {
      const generated = await npmRun('sdk:generate', dir);
      expect(generated.code, generated.stderr).toBe(0);
      const types = join(dir, 'openapi.ts');
      expect(readFileSync(types, 'utf8')).toContain('"/v1/accounts/deposits/{account_id}/statements": {');

      const same = await npmRun('sdk:check', dir);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stdout).toContain('SDK types match the server.');

      // One route's type changed by hand: drift.
      writeFileSync(types, readFileSync(types, 'utf8').replace('"/v1/transfers": {', '"/v1/transfers-renamed": {'));
      const drifted = await npmRun('sdk:check', dir);
      expect(drifted.code).toBe(1);
      expect(drifted.stderr).toContain(
        `${types} differs from the server's /openapi.json: run \`npm run sdk:generate\` and commit the result.`,
      );

      // A missing file is drift too.
      rmSync(join(dir, 'amount-keys.ts'));
      writeFileSync(types, readFileSync(types, 'utf8').replace('"/v1/transfers-renamed": {', '"/v1/transfers": {'));
      const missing = await npmRun('sdk:check', dir);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`${join(dir, 'amount-keys.ts')} differs from the server's /openapi.json`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
    // The committed types were not touched.
    expect(readFileSync(join(REPO, 'sdk', 'src', 'generated', 'openapi.ts'), 'utf8')).toBe(committed);
  });
});
