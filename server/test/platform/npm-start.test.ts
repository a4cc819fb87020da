/**
 * Production start (issue 10, point 4): the install builds the server to JavaScript (server/dist)
 * and `npm start` runs `node dist/main.js` directly, so the SIGTERM a supervisor sends to the
 * `npm start` process reaches the server: it finishes the request in flight and exits 0.
 * This drives the real thing: `npm start` at the repository root, an embedded database in a
 * temporary DATA_DIR, a random port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT_DIR = join(SERVER_DIR, '..');
const LONG = 240_000;

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

/** Resolves once `check` holds on the output so far (bounded; fails with the output). */
async function waitFor(output: () => string, check: (out: string) => boolean, what: string, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check(output())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}:\n${output()}`);
}

describe('npm start', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;

  beforeAll(() => {
    // What `npm install` / `npm ci` runs for the server (the root package's prepare script): the test starts the
    // sources as they are now, not a stale build.
    const build = spawnSync('npm', ['run', 'build:server'], { cwd: ROOT_DIR, encoding: 'utf8', timeout: 200_000 });
    if (build.status !== 0) throw new Error(`npm run build:server failed:\n${build.stdout}\n${build.stderr}`);
    dataDir = mkdtempSync(join(tmpdir(), 'ledgerline-npm-start-'));
  }, LONG);

  afterAll(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'SIGTERM to the npm process: the request in flight completes, then the process exits 0',
    async () => {
      const port = await freePort();
      const env = { ...process.env };
      for (const k of [
        'DATABASE_URL',
        'TEST_DATABASE_URL',
        'OPERATOR_CLIENT_ID',
        'OPERATOR_CLIENT_SECRET',
        'LEDGERLINE_MODE',
        'NODE_OPTIONS',
      ]) {
        delete env[k];
      }
      const proc = spawn('npm', ['start'], {
        cwd: ROOT_DIR,
        env: { ...env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true, // its own process group: afterAll can end everything it started
      });
      child = proc;
      let out = '';
      proc.stdout?.on('data', (d) => {
        out += d;
      });
      proc.stderr?.on('data', (d) => {
        out += d;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        proc.on('exit', (code, signal) => resolve({ code, signal }));
      });

      await waitFor(
        () => out,
        (o) => o.includes('API docs at /docs'),
        'the server to listen',
      );
      const creds = JSON.parse(readFileSync(join(dataDir, 'sandbox-credentials.json'), 'utf8'));
      const basic = Buffer.from(`${creds.demo.client_id}:${creds.demo.client_secret}`).toString('base64');
      const tokenRes = await fetch(`http://127.0.0.1:${port}/oauth2/token?grant_type=client_credentials`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
      });
      expect(tokenRes.status).toBe(200);
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;

      // A slow request: headers and half the body now, the rest after the SIGTERM.
      const body = JSON.stringify({ email_address: 'grace@hopper.example' });
      const half = Math.floor(body.length / 2);
      const socket: Socket = connect(port, '127.0.0.1');
      let response = '';
      socket.on('data', (d) => {
        response += d.toString('utf8');
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(
        'PATCH /v1/customers/demo-individual HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n' +
          `Authorization: Bearer ${token}\r\nx-l2f-request-id: slow-request-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
          body.slice(0, half),
      );
      await waitFor(
        () => out,
        (o) => /"request_id":"slow-request-1".*"msg":"incoming request"/.test(o),
        'the server to receive the slow request',
      );

      // What a supervisor does: SIGTERM to the process it started (npm), not to node.
      expect(proc.pid).toBeGreaterThan(0);
      process.kill(proc.pid as number, 'SIGTERM');
      await waitFor(
        () => out,
        (o) => o.includes('shutting down: finishing in-flight requests'),
        'the server to start shutting down',
      );

      socket.end(body.slice(half));
      await closed;
      expect(response).toMatch(/^HTTP\/1.1 200 /);
      const json = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
      expect(json.data).toMatchObject({ id: 'demo-individual', email_address: 'grace@hopper.example' });

      expect(await exited).toEqual({ code: 0, signal: null });
      // The server released its data directory on the way out.
      expect(() => readFileSync(join(dataDir, 'ledgerline.lock'), 'utf8')).toThrow();
    },
    LONG,
  );
});
