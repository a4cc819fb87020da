/**
 * Load generator for bench/transfers.bench.ts, run in a child process: `concurrency` lanes each
 * create a transfer (with an idempotency key) then accept it (signed), until the deadline.
 * One sample = one executed transfer, create + accept; or, with `batch`, one batch call executing
 * that many transfers.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ed25519Signer } from '../src/shared/ed25519.js';

export interface TransferLoadSpec {
  origin: string;
  token: string;
  privateKeyPem: string;
  accounts: string[];
  amount: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  /** Instead of create + accept: POST /v1/transfers/batch with this many items, executed (signed). */
  batch?: number;
}

export interface TransferLoadResult {
  /** Transfers executed (one per create + accept; a batch's items). */
  executed: number;
  failed: number;
  firstError?: string;
  elapsedMs: number;
  latencies: number[];
  /** CPU seconds this generator spent in the measured window. */
  cpuSeconds: number;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * A lean keep-alive HTTP/1.1 client: one socket per lane, one request at a time, the request
 * written as one buffer and the answer read by its Content-Length. node:http's client cost about
 * 0.3 ms of CPU per transfer here (pgbench's client: 0.03 ms per posting), CPU taken from the
 * server and PostgreSQL on the same two cores; this one costs a third of it.
 */
class Lane {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: { status: number; body: string }) => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly fixedHeaders: string,
  ) {}

  private connect(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
    const fail = (err: Error) => {
      this.socket = undefined;
      this.buffer = Buffer.alloc(0);
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffer.toString('latin1', 0, end);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.socket?.destroy(new Error(`an answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(length);
    if (this.buffer.length < total) return;
    const body = this.buffer.toString('utf8', end + 4, total);
    this.buffer = this.buffer.subarray(total);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve({ status: Number(head.slice(9, 12)), body });
  }

  post(path: string, body: string, extra: Record<string, string>): Promise<{ status: number; body: string }> {
    const socket = this.socket ?? this.connect();
    let head = `POST ${path} HTTP/1.1\r\n${this.fixedHeaders}content-length: ${Buffer.byteLength(body)}\r\n`;
    for (const [k, v] of Object.entries(extra)) head += `${k}: ${v}\r\n`;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`${head}\r\n${body}`);
    });
  }

  close(): void {
    this.socket?.removeAllListeners('close');
    this.socket?.destroy();
  }
}

function run(spec: TransferLoadSpec): Promise<TransferLoadResult> {
  const url = new URL(spec.origin);
  // libsodium, as the server verifies: the generator's CPU is taken from the cores it measures.
  const signed = ed25519Signer(spec.privateKeyPem);
  const fixed = `host: ${url.host}\r\nauthorization: Bearer ${spec.token}\r\ncontent-type: application/json\r\n`;
  const lanes = Array.from({ length: spec.concurrency }, () => new Lane(url.hostname, Number(url.port), fixed));

  const pair = () => {
    const n = spec.accounts.length;
    const i = Math.floor(Math.random() * n);
    let j = Math.floor(Math.random() * (n - 1));
    if (j >= i) j++;
    return { source_account_id: spec.accounts[i], destination_account_id: spec.accounts[j], amount: spec.amount };
  };

  /** One batch of `spec.batch` transfers, executed: a sample of that many transfers. */
  const batch = async (lane: Lane): Promise<{ ok: boolean; executed?: number; detail?: string }> => {
    const body = JSON.stringify({ execute: true, transfers: Array.from({ length: spec.batch ?? 0 }, pair) });
    const path = '/v1/transfers/batch';
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = signed(`${ts}POST${path}${body}`);
    const res = await lane.post(path, body, { 'x-l2f-idempotency-id': randomUUID(), 'x-timestamp': ts, 'x-signature': signature });
    if (res.status !== 200) return { ok: false, detail: `batch ${res.status} ${res.body.slice(0, 200)}` };
    const results = (JSON.parse(res.body) as { data: { results: { transfer?: { status: string } }[] } }).data.results;
    const executed = results.filter((r) => r.transfer?.status === 'EXECUTED').length;
    if (executed !== results.length) return { ok: false, detail: `batch: ${results.length - executed} items not executed` };
    return { ok: true, executed };
  };

  const one = async (lane: Lane): Promise<{ ok: boolean; executed?: number; detail?: string }> => {
    if (spec.batch) return batch(lane);
    const body = JSON.stringify(pair());
    const created = await lane.post('/v1/transfers', body, { 'x-l2f-idempotency-id': randomUUID() });
    if (created.status !== 200) return { ok: false, detail: `create ${created.status} ${created.body.slice(0, 200)}` };
    const id = (JSON.parse(created.body) as { data: { id: string } }).data.id;
    const path = `/v1/transfers/${id}/accept`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = signed(`${ts}POST${path}`);
    const accepted = await lane.post(path, '', { 'x-l2f-idempotency-id': randomUUID(), 'x-timestamp': ts, 'x-signature': signature });
    if (accepted.status !== 200) return { ok: false, detail: `accept ${accepted.status} ${accepted.body.slice(0, 200)}` };
    return { ok: true, executed: 1 };
  };

  return (async () => {
    const warmEnd = nowMs() + spec.warmupMs;
    await Promise.all(
      lanes.map(async (lane) => {
        while (nowMs() < warmEnd) await one(lane);
      }),
    );
    const latencies: number[] = [];
    let failed = 0;
    let firstError: string | undefined;
    let executed = 0;
    process.send?.({ measuring: true });
    const cpu0 = process.cpuUsage();
    const start = nowMs();
    const deadline = start + spec.durationMs;
    await Promise.all(
      lanes.map(async (lane) => {
        while (nowMs() < deadline) {
          const t0 = nowMs();
          const r = await one(lane).catch((err: Error) => ({ ok: false, executed: 0, detail: err.message }));
          if (r.ok) {
            latencies.push(nowMs() - t0);
            executed += r.executed ?? 0;
          } else {
            failed++;
            firstError ??= r.detail;
          }
        }
      }),
    );
    const elapsedMs = nowMs() - start;
    const cpu = process.cpuUsage(cpu0);
    for (const lane of lanes) lane.close();
    return { executed, failed, firstError, elapsedMs, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  })();
}

process.once('message', (spec: TransferLoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (err: Error) => process.send?.({ error: err.stack ?? err.message }, () => process.exit(1)),
  );
});
