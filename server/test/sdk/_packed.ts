/**
 * The SDK as an integrator gets it: `npm pack` of sdk/ (which builds it), the tarball installed
 * in a fresh temporary folder, and scripts run there with plain `node` against a real server.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SDK_DIR = join(REPO, 'sdk');
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), 'scripts');

/** The environment of a child npm or node: without the npm_* variables of the `npm test` running us. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.toLowerCase().startsWith('npm_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Installed {
  dir: string;
  tarball: string;
  cleanup(): void;
}

/**
 * Packs the SDK and installs the tarball (and @types/node, as a TypeScript user has) in a new
 * folder. The package is built from the current source into a staging copy (never into sdk/dist,
 * which other test files import while this runs), then packed as `npm pack` packs sdk/.
 */
export async function packAndInstall(): Promise<Installed> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-sdk-'));
  const staging = join(dir, 'staging');
  const packs = join(dir, 'packs');
  mkdirSync(staging);
  mkdirSync(packs);
  for (const f of ['package.json', 'README.md']) copyFileSync(join(SDK_DIR, f), join(staging, f));
  await run(join(SDK_DIR, 'node_modules', '.bin', 'tsc'), ['-p', join(SDK_DIR, 'tsconfig.build.json'), '--outDir', join(staging, 'dist')], {
    cwd: SDK_DIR,
    env: cleanEnv(),
    maxBuffer: 1 << 24,
  });
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', packs], { cwd: staging, env: cleanEnv(), maxBuffer: 1 << 24 });
  const tarball = join(packs, readdirSync(packs).find((f) => f.endsWith('.tgz')) as string);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sdk-consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node@20.19.43'], {
    cwd: dir,
    env: cleanEnv(),
    maxBuffer: 1 << 24,
  });
  // .ts fixtures are stored as .ts.txt: the server's typecheck must not compile the one meant to fail.
  for (const f of readdirSync(SCRIPTS)) copyFileSync(join(SCRIPTS, f), join(dir, f.replace(/\.ts\.txt$/, '.ts')));
  return { dir, tarball, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ScriptResult<T = any> {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout, parsed as JSON. */
  result: T;
}

/** Runs `node <script>` in the install folder, asynchronously: the server it talks to lives in this process. */
export function runScript<T = any>(dir: string, script: string, env: Record<string, string>): Promise<ScriptResult<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: dir, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      let result: T;
      try {
        result = JSON.parse(last);
      } catch {
        return reject(new Error(`${script} exited ${code} without a JSON result.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }
      resolve({ code, stdout, stderr, result });
    });
  });
}

/** Runs the TypeScript compiler of the repository on files of the install folder. */
export async function tsc(dir: string, files: string[]): Promise<{ code: number; output: string }> {
  const bin = join(REPO, 'node_modules', '.bin', 'tsc');
  const args = [
    '--noEmit',
    '--strict',
    '--target',
    'es2022',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--types',
    'node',
    ...files,
  ];
  try {
    const { stdout, stderr } = await run(bin, args, { cwd: dir, env: cleanEnv(), maxBuffer: 1 << 24 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}
