/**
 * The README is code: every snippet of README.md runs as written, in order, in one shell, against a
 * fresh server started as `npm start` starts it (sandbox mode, a new database, the demo client
 * seeded); so does every example of sdk/README.md, afterwards, against the same server. A snippet
 * that cannot run here is listed in NOT_RUN with the reason, and a webhook receiver (it listens
 * until stopped) in RECEIVERS: it runs in the background, receives a real signed delivery, refuses
 * a forged one, and is stopped. Any other snippet that appears runs, or fails the test.
 *
 * Storage: an embedded database in a new DATA_DIR, or a new PostgreSQL database when
 * TEST_DATABASE_URL is set (the server then only prints the credentials, and the test saves them
 * where the README reads them, as the Quickstart says to).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropDatabase, recreateDatabase } from '../../src/db/admin.js';
import { cleanEnv, REPO } from '../sdk/_packed.js';

interface Snippet {
  lang: string;
  code: string;
  /** The `## ` heading it sits under. */
  section: string;
}

/** Every fenced block of a markdown file, in order, with its section. */
function snippetsOf(file: string): Snippet[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const out: Snippet[] = [];
  for (const m of text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)) {
    const heading = [...text.slice(0, m.index).matchAll(/^## (.+)$/gm)].pop();
    out.push({ lang: m[1] as string, code: m[2] as string, section: heading ? (heading[1] as string) : '' });
  }
  return out;
}

/** Snippets this test does not run, each with why. Each entry must match exactly one snippet. */
const NOT_RUN: { file: string; contains: string; reason: string }[] = [
  {
    file: 'README.md',
    contains: 'npm install && npm start',
    reason:
      'installs the workspace (done before the tests), serves forever and runs the whole suite: the test starts the fresh server itself as npm start does',
  },
  {
    file: 'sdk/README.md',
    contains: 'location.origin',
    reason: "browser code (location, a signed-in form's clientId and clientSecret); the console's browser tests run it",
  },
];

/** Servers that listen until stopped: run in the background, each fed a real delivery, then stopped. */
const RECEIVERS: { file: string; contains: string }[] = [
  { file: 'README.md', contains: 'createServer(async (req, res) => {' },
  { file: 'sdk/README.md', contains: 'verifyWebhook(Buffer.concat(chunks)' },
];

function classify(file: string, s: Snippet): 'skip' | 'receiver' | 'run' {
  if (NOT_RUN.some((n) => n.file === file && s.code.includes(n.contains))) return 'skip';
  if (RECEIVERS.some((r) => r.file === file && s.code.includes(r.contains))) return 'receiver';
  if (s.lang !== 'sh' && s.lang !== 'js') {
    throw new Error(
      `${file} (${s.section}): a \`\`\`${s.lang} snippet that this test cannot run; run it, or list it in NOT_RUN with the reason`,
    );
  }
  if (s.lang === 'js' && /\.listen\(/.test(s.code)) {
    throw new Error(`${file} (${s.section}): a server that listens until stopped; list it in RECEIVERS or NOT_RUN`);
  }
  return 'run';
}

const RUN_JS = (code: string) => `node --input-type=module <<'README_JS'\n${code}README_JS`;

/**
 * In bash: start receiver `n` in the background (`command`, its output to receiver-n.log) and wait
 * until it listens on CALLBACK_URL's port; `finish` waits for a delivered TRANSACTION_POSTED,
 * posts a forged delivery (an all-zero signature) and stops it.
 */
function receiver(n: number, launch: (redirect: string) => string): { start: string; finish: string } {
  return {
    start: [
      `echo '--- receiver ${n} (background) ---'`,
      launch(`> receiver-${n}.log 2>&1`),
      `RECEIVER_${n}=$!`,
      'CALLBACK_PORT=$(node -p "new URL(process.env.CALLBACK_URL).port")',
      'for i in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$CALLBACK_PORT") 2>/dev/null && break; sleep 0.1; done',
      `kill -0 "$RECEIVER_${n}" || { cat receiver-${n}.log; exit 1; }`,
    ].join('\n'),
    finish: [
      `for i in $(seq 1 1200); do grep -q TRANSACTION_POSTED receiver-${n}.log && break; sleep 0.25; done`,
      `echo "--- receiver ${n} output ---"; cat receiver-${n}.log`,
      `FORGED=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' -H "x-timestamp: $(date +%s)" -H "x-signature: $(printf '0%.0s' $(seq 128))" -d '{"event_id":"evt_forged","event_type":"TRANSACTION_POSTED","event_data":{}}' "$CALLBACK_URL")`,
      `echo "receiver ${n}: forged delivery answered $FORGED"`,
      `kill "$RECEIVER_${n}"; wait "$RECEIVER_${n}" 2>/dev/null || true`,
    ].join('\n'),
  };
}

/** README.md as one bash script: ```sh as they are, ```js through node, receivers in the background. */
function readmeScript(): { script: string; count: number; skipped: number } {
  const parts: string[] = ['set -euo pipefail', "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"];
  const finish: string[] = [];
  let count = 0;
  let skipped = 0;
  for (const s of snippetsOf('README.md')) {
    const kind = classify('README.md', s);
    if (kind === 'skip') {
      skipped++;
      continue;
    }
    count++;
    if (kind === 'receiver') {
      const r = receiver(count, (redirect) => `node --input-type=module ${redirect} <<'README_JS' &\n${s.code}README_JS`);
      parts.push(r.start);
      finish.push(r.finish);
      continue;
    }
    parts.push(`echo '--- snippet ${count} (${s.lang}, ${s.section.replace(/'/g, '')}) ---'`);
    parts.push(s.lang === 'sh' ? s.code : RUN_JS(s.code));
  }
  return { script: `${[...parts, ...finish].join('\n')}\n`, count, skipped };
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
let callbackPort: number;
/** The URL of the PostgreSQL database freshDatabase made (dropped after the tests). */
let database: string | undefined;
const CREDENTIALS = () => join(root, 'server', 'data', 'sandbox-credentials.json');

/** A PostgreSQL database of this test's own (TEST_DATABASE_URL's server): fresh, as the README assumes. */
async function freshDatabase(base: string): Promise<string> {
  database = databaseUrl(base, `readme_${process.pid}_${Date.now().toString(36)}`);
  await recreateDatabase(database);
  return database;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ledgerline-readme-'));
  mkdirSync(join(root, 'server', 'data'), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  const port = await freePort();
  callbackPort = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env = cleanEnv();
  for (const k of Object.keys(env))
    if (/^(LEDGERLINE_|OPERATOR_|DATABASE_URL$|TEST_DATABASE_URL$|DATA_DIR$|SEED_DEMO$)/.test(k)) delete env[k];
  const storage: Record<string, string> = { DATA_DIR: join(root, 'server', 'data') };
  if (process.env.TEST_DATABASE_URL) storage.DATABASE_URL = await freshDatabase(process.env.TEST_DATABASE_URL);
  server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(REPO, 'server'),
    env: { ...env, ...storage, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
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
      if ((await fetch(`${baseUrl}/readyz`)).status === 200) {
        if (storage.DATABASE_URL) {
          // Only printed with DATABASE_URL: saved where the Quickstart reads them, as it says to.
          const printed = (who: string) => {
            const m = output.match(new RegExp(`^${who} +client_id=(\\S+) +client_secret=(\\S+)$`, 'm'));
            if (!m) throw new Error(`the server printed no ${who} credentials:\n${output}`);
            return { client_id: m[1], client_secret: m[2] };
          };
          expect(existsSync(CREDENTIALS())).toBe(false);
          writeFileSync(CREDENTIALS(), JSON.stringify({ operator: printed('operator'), demo: printed('demo') }));
        }
        return;
      }
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
  if (database) await dropDatabase(database);
}, 120_000);

function bash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = cleanEnv();
    for (const k of Object.keys(env)) if (/^(LEDGERLINE_|DATA_DIR$|DATABASE_URL$|CALLBACK_URL$)/.test(k)) delete env[k];
    const child = spawn('bash', ['-c', script], {
      cwd: root,
      env: { ...env, BASE_URL: baseUrl, CALLBACK_URL: `http://localhost:${callbackPort}/hooks` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 420_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function tokenOf(who: 'demo' | 'operator', scope?: string): Promise<string> {
  const creds = JSON.parse(readFileSync(CREDENTIALS(), 'utf8'));
  const query = scope ? `&scope=${encodeURIComponent(scope)}` : '';
  const answer = await fetch(`${baseUrl}/oauth2/token?grant_type=client_credentials${query}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${creds[who].client_id}:${creds[who].client_secret}`).toString('base64')}` },
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  return answer.access_token;
}

async function getJson<T>(path: string, token: string): Promise<T> {
  return fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<T>);
}

interface Delivery {
  status: string;
  last_status_code: number | null;
}

describe('the README', () => {
  it('lists no snippet twice and every listed snippet exists (the lists cannot rot)', () => {
    for (const { file, contains } of [...NOT_RUN, ...RECEIVERS]) {
      expect(
        snippetsOf(file).filter((s) => s.code.includes(contains)),
        `${file}: ${contains}`,
      ).toHaveLength(1);
    }
  });

  it('refuses a snippet it would not run unless it is listed', () => {
    expect(() => classify('README.md', { lang: 'ts', code: 'const x = 1;\n', section: 'New' })).toThrow(/list it in NOT_RUN/);
    expect(() => classify('README.md', { lang: 'js', code: 'server.listen(4000);\n', section: 'New' })).toThrow(/RECEIVERS/);
    expect(classify('README.md', { lang: 'sh', code: 'npm install && npm start\n', section: 'Two commands' })).toBe('skip');
  });

  it('runs every README snippet, in order, against a fresh server', async () => {
    const { script, count, skipped } = readmeScript();
    expect(skipped).toBe(NOT_RUN.filter((n) => n.file === 'README.md').length);
    expect(count).toBeGreaterThanOrEqual(13);
    const run = await bash(script);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).not.toContain('"errors":[');
    expect(run.stdout.match(/--- (snippet|receiver) \d+ \(/g)).toHaveLength(count);
    expect(run.stdout).toContain('"status":"EXECUTED"'); // curl's accept
    expect(run.stdout).toMatch(/trf_\S+ EXECUTED\n/); // the SDK's
    expect(run.stdout).toMatch(/trf_\S+ EXECUTED signed\n/); // the SDK's signed accept
    expect(run.stdout).toContain('Ledger balanced.'); // the CLI's
    expect(readFileSync(join(root, 'statement.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    if (!process.env.TEST_DATABASE_URL) expect(existsSync(CREDENTIALS())).toBe(true); // written by the server

    // The receiver got a real signed delivery and refused a forged one.
    expect(run.stdout).toMatch(/--- receiver \d+ output ---\n\S+ TRANSACTION_POSTED \{"transaction":/);
    expect(run.stdout).toMatch(/receiver \d+: forged delivery answered 401/);

    // What the snippets did, read back: 100.25 credited, two transfers of 10 out, three deposits of 250
    // in, then 1 and 1 out by the signed accepts and 2 out by the webhook section's transfer.
    const token = await tokenOf('demo');
    const account = await fetch(`${baseUrl}/v1/accounts/deposits/demo-individual-usd`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.text());
    expect(account).toContain('"current_balance":826.25');
    const customer = await getJson<{ data: { email_address: string } }>('/v1/customers/demo-individual', token);
    expect(customer.data.email_address).toBe('ada@analytical.example'); // the SDK's update, after curl's
    const keys = await getJson<{ data: { signing_keys: unknown[] } }>('/v1/signing-keys', token);
    expect(keys.data.signing_keys).toHaveLength(2); // the SDK's and openssl's
    const subscriptionId = run.stdout.match(/"id":"(sub_[^"]+)"/)?.[1];
    expect(subscriptionId).toBeDefined();
    const deliveries = await getJson<{ data: { deliveries: Delivery[] } }>(`/v1/subscriptions/${subscriptionId}/deliveries`, token);
    expect(
      deliveries.data.deliveries.some((d) => d.status === 'DELIVERED' && d.last_status_code === 204),
      JSON.stringify(deliveries),
    ).toBe(true);
  }, 600_000);

  it('sdk/README.md: every example runs as written, its webhook receiver fed a real delivery', async () => {
    const snippets = snippetsOf('sdk/README.md');
    expect(snippets[0]?.code).toContain('// setup.mjs');
    writeFileSync(join(root, 'setup.mjs'), snippets[0]?.code as string);
    const parts: string[] = ['set -euo pipefail', "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT"];
    const finish: string[] = [];
    let count = 0;
    for (const s of snippets.slice(1)) {
      const kind = classify('sdk/README.md', s);
      if (kind === 'skip') continue;
      count++;
      writeFileSync(join(root, `sdk-example-${count}.mjs`), s.code);
      if (kind === 'receiver') {
        const r = receiver(count, (redirect) => `node sdk-example-${count}.mjs ${redirect} &`);
        parts.push(r.start);
        finish.push(r.finish);
      } else parts.push(`echo '--- example ${count} (${s.section.replace(/'/g, '')}) ---'\nnode sdk-example-${count}.mjs`);
    }
    expect(count).toBe(snippets.length - 1 - NOT_RUN.filter((n) => n.file === 'sdk/README.md').length);
    const run = await bash(`${[...parts, ...finish].join('\n')}\n`);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout.match(/--- (example|receiver) \d+ \(/g)).toHaveLength(count);
    expect(run.stdout).toContain('400 AMOUNT_PRECISION amount req_'); // the errors example prints what it says
    expect(run.stdout).toMatch(/replayed: true\n/); // the idempotency example's retry
    expect(run.stdout).toContain('422 IDEMPOTENCY_KEY_REUSED'); // and its key reused with another body
    expect(run.stdout).toMatch(/--- receiver \d+ output ---\n\S+ TRANSACTION_POSTED /);
    expect(run.stdout).toMatch(/receiver \d+: forged delivery answered 401/);

    // The SDK example's subscription (on this run's callback URL) has a delivery its receiver accepted.
    const token = await tokenOf('demo');
    const subscriptions = await getJson<{ data: { subscriptions: { id: string; callback_url: string }[] } }>('/v1/subscriptions', token);
    expect(subscriptions.data?.subscriptions, JSON.stringify(subscriptions)).toBeDefined();
    const mine = subscriptions.data.subscriptions.filter((s) => s.callback_url === `http://localhost:${callbackPort}/hooks`);
    expect(mine.length).toBeGreaterThanOrEqual(1); // newest first: the SDK's (the README's before it)
    const deliveries = await getJson<{ data: { deliveries: Delivery[] } }>(`/v1/subscriptions/${mine[0]?.id}/deliveries`, token);
    expect(
      deliveries.data.deliveries.some((d) => d.status === 'DELIVERED' && d.last_status_code === 204),
      JSON.stringify(deliveries),
    ).toBe(true);
  }, 600_000);
});
