/**
 * The README is code: every snippet of its Quickstart and "Moving money" sections runs as written,
 * in order, in one shell, against a fresh server started as `npm start` starts it (sandbox mode, a
 * new embedded database, the demo client seeded). JS snippets run with node in the same shell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO } from '../sdk/_packed.js';

const SECTIONS: [string, string][] = [
  ['## Quickstart', '## API conventions'],
  ['## Moving money (sandbox)', '## Signing requests'],
];

/** The snippets of those sections, in order: ```sh as they are, ```js through node. */
function readmeScript(): { script: string; count: number } {
  const text = readFileSync(join(REPO, 'README.md'), 'utf8');
  const parts: string[] = ['set -euo pipefail'];
  let count = 0;
  for (const [from, to] of SECTIONS) {
    const start = text.indexOf(from);
    const end = text.indexOf(to, start);
    if (start < 0 || end < 0) throw new Error(`README section ${from} not found`);
    for (const m of text.slice(start, end).matchAll(/```(sh|js)\n([\s\S]*?)```/g)) {
      count++;
      parts.push(`echo '--- snippet ${count} (${m[1]}) ---'`);
      parts.push(m[1] === 'sh' ? (m[2] as string) : `node --input-type=module <<'README_JS'\n${m[2]}README_JS`);
    }
  }
  return { script: `${parts.join('\n')}\n`, count };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

let root: string;
let server: ChildProcess | undefined;
let output = '';
let baseUrl: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ledgerline-readme-'));
  mkdirSync(join(root, 'server'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env = cleanEnv();
  for (const k of Object.keys(env))
    if (/^(LEDGERLINE_|OPERATOR_|DATABASE_URL$|TEST_DATABASE_URL$|DATA_DIR$|SEED_DEMO$)/.test(k)) delete env[k];
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(REPO, 'server'),
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(root, 'server', 'data'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d) => {
    output += d;
  });
  server.stderr?.on('data', (d) => {
    output += d;
  });
  for (let i = 0; i < 800; i++) {
    if (server.exitCode !== null) break;
    try {
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the fresh server did not become ready:\n${output}`);
}, 300_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server?.once('close', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = cleanEnv();
    for (const k of Object.keys(env)) if (/^(LEDGERLINE_|DATA_DIR$|DATABASE_URL$)/.test(k)) delete env[k];
    const child = spawn('bash', ['-c', script], { cwd: root, env: { ...env, BASE_URL: baseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the README', () => {
  it('runs every Quickstart and money snippet, in order, against a fresh server', async () => {
    const { script, count } = readmeScript();
    expect(count).toBeGreaterThanOrEqual(8);
    const run = await bash(script);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).not.toContain('"errors":[');
    expect(run.stdout.match(/--- snippet \d+/g)).toHaveLength(count);
    expect(run.stdout).toContain('"status":"EXECUTED"'); // curl's accept
    expect(run.stdout).toMatch(/trf_\S+ EXECUTED/); // the SDK's
    expect(run.stdout).toContain('Ledger balanced.'); // the CLI's
    expect(readFileSync(join(root, 'statement.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(existsSync(join(root, 'server', 'data', 'sandbox-credentials.json'))).toBe(true);

    // What the snippets did, read back: 100.25 credited, two transfers of 10 out, three deposits of 250 in.
    const creds = JSON.parse(readFileSync(join(root, 'server', 'data', 'sandbox-credentials.json'), 'utf8'));
    const token = await fetch(`${baseUrl}/oauth2/token?grant_type=client_credentials`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${creds.demo.client_id}:${creds.demo.client_secret}`).toString('base64')}` },
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const account = await fetch(`${baseUrl}/v1/accounts/deposits/demo-individual-usd`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    }).then((r) => r.text());
    expect(account).toContain('"current_balance":830.25');
    const customer = await fetch(`${baseUrl}/v1/customers/demo-individual`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    }).then((r) => r.json() as Promise<{ data: { email_address: string } }>);
    expect(customer.data.email_address).toBe('ada@analytical.example'); // the SDK's update, after curl's
  }, 300_000);

  it('sdk/README.md: every example runs as written (the webhook receiver, which listens forever, aside)', async () => {
    const text = readFileSync(join(REPO, 'sdk', 'README.md'), 'utf8');
    const blocks = [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks[0]).toContain('// setup.mjs');
    writeFileSync(join(root, 'setup.mjs'), blocks[0] as string);
    const runnable = blocks.slice(1).filter((b) => !b.includes('.listen('));
    expect(runnable.length).toBe(blocks.length - 2);
    for (const [i, block] of runnable.entries()) writeFileSync(join(root, `sdk-example-${i}.mjs`), block);
    const run = await bash(runnable.map((_, i) => `echo '--- example ${i} ---'\nnode sdk-example-${i}.mjs`).join('\n'));
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout.match(/--- example \d+/g)).toHaveLength(runnable.length);
    expect(run.stdout).toContain('400 AMOUNT_PRECISION amount req_'); // the errors example prints what it says
  }, 300_000);
});
