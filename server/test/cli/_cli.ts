/** Runs the real `ledgerline` binary (node_modules/.bin/ledgerline, as `npx ledgerline` does). */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, REPO } from '../sdk/_packed.js';

export const BIN = join(REPO, 'node_modules', '.bin', 'ledgerline');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: nothing of ours leaks in (no DATA_DIR, DATABASE_URL, credentials) unless given. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = cleanEnv();
  for (const k of Object.keys(base)) if (/^(LEDGERLINE_|DATA_DIR$|DATABASE_URL$|TEST_DATABASE_URL$)/.test(k)) delete base[k];
  return { ...base, NO_COLOR: '1', ...extra };
}

export function runCli(args: string[], extra: Record<string, string> = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { cwd: REPO, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running command (tail, listen): its output lines as they come; stop() sends SIGTERM. */
export function startCli(args: string[], extra: Record<string, string> = {}) {
  const child: ChildProcess = spawn(BIN, args, { cwd: REPO, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (d) => {
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return {
    lines,
    stderr: () => stderr,
    /** Waits (bounded) until a line satisfies `match`. */
    async line(match: (l: string) => boolean, ms = 30_000): Promise<string> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = lines.find(match);
        if (found !== undefined) return found;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no such line (exit ${child.exitCode}); stdout:\n${lines.join('\n')}\nstderr:\n${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop(): Promise<number | null> {
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

/** Every stdout line parsed as JSON (throws if one is not). */
export const jsonLines = (stdout: string): any[] =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
