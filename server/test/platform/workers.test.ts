/**
 * WORKERS=N: a supervisor and N server processes sharing the port (node:cluster). On the embedded
 * database it is refused (one process owns it); on PostgreSQL a dead process is replaced and
 * SIGTERM ends them all.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../helpers.js';
import { freePort, killAll, startServer, tokenAt, waitReady } from '../server-process.js';

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `root` and the processes descending from it: pid, parent and command line. */
function tree(root: number): { pid: number; ppid: number; cmd: string }[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return [{ pid: Number(d), ppid, cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') }];
      } catch {
        return [];
      }
    });
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (found.has(p.ppid) && !found.has(p.pid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => found.has(p.pid));
}

/** The node processes running main.ts: the supervisor, and the server processes it forked. */
function roles(root: number): { supervisor: number | undefined; workers: number[] } {
  const mains = tree(root).filter((p) => p.cmd.startsWith(process.execPath) && /main\.ts/.test(p.cmd));
  const pids = new Set(mains.map((p) => p.pid));
  const supervisor = mains.find((p) => !pids.has(p.ppid))?.pid;
  return { supervisor, workers: mains.filter((p) => p.ppid === supervisor).map((p) => p.pid) };
}

async function until<T>(fn: () => T | undefined, what: string, withinMs = 60_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('WORKERS', () => {
  it('above 1 on the embedded database is refused at start (exit 78), naming the variable', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-workers-'));
    dirs.push(dir);
    const s = startServer(await freePort(), { DATA_DIR: dir, WORKERS: '2' });
    const { code } = await s.exited;
    expect(code).toBe(78);
    expect(s.output()).toContain('WORKERS');
    expect(s.output()).toContain('DATABASE_URL');
  });

  it.runIf(!!DATABASE_URL)(
    'on PostgreSQL: two server processes answer, a killed one is replaced, SIGTERM ends them all with exit 0',
    { timeout: 300_000 },
    async () => {
      const s = startServer(await freePort(), { DATABASE_URL: DATABASE_URL as string, WORKERS: '2' });
      await waitReady(s, 240_000);
      const pid = s.child.pid as number;
      const first = await until(() => {
        const r = roles(pid);
        return r.supervisor && r.workers.length === 2 ? r : undefined;
      }, 'two server processes');
      expect(await tokenAt(s.url, OPERATOR.id, OPERATOR.secret)).toMatch(/\S+/);

      process.kill(first.workers[0] as number, 'SIGKILL');
      const second = await until(
        () => {
          const r = roles(pid);
          return r.workers.length === 2 && !r.workers.includes(first.workers[0] as number) ? r : undefined;
        },
        'a replacement process',
        120_000,
      );
      expect(second.supervisor).toBe(first.supervisor);
      expect(second.workers).toContain(first.workers[1]);
      await waitReady(s, 120_000);
      expect(await tokenAt(s.url, OPERATOR.id, OPERATOR.secret)).toMatch(/\S+/);
      expect(s.output()).toContain('starting another');

      process.kill(first.supervisor as number, 'SIGTERM');
      await until(() => (roles(pid).supervisor === undefined && !roles(pid).workers.length ? true : undefined), 'every process to end');
      expect(s.output()).toContain('shutting down');
    },
  );
});
