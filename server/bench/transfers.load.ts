/**
 * Load generator for bench/transfers.bench.ts, run in a child process: `concurrency` lanes each
 * create a transfer (with an idempotency key) then accept it (signed), until the deadline.
 * One sample = one executed transfer, create + accept; or, with `batch`, one batch call executing
 * that many transfers.
 */
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import http from 'node:http';

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

function run(spec: TransferLoadSpec): Promise<TransferLoadResult> {
  const url = new URL(spec.origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency * 2 });
  const key = createPrivateKey(spec.privateKeyPem);
  const post = (path: string, body: string, extra: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path,
          headers: { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json', ...extra },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const pair = () => {
    const n = spec.accounts.length;
    const i = Math.floor(Math.random() * n);
    let j = Math.floor(Math.random() * (n - 1));
    if (j >= i) j++;
    return { source_account_id: spec.accounts[i], destination_account_id: spec.accounts[j], amount: spec.amount };
  };

  /** One batch of `spec.batch` transfers, executed: a sample of that many transfers. */
  const batch = async (): Promise<{ ok: boolean; executed?: number; detail?: string }> => {
    const body = JSON.stringify({ execute: true, transfers: Array.from({ length: spec.batch ?? 0 }, pair) });
    const path = '/v1/transfers/batch';
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}POST${path}${body}`), key).toString('hex');
    const res = await post(path, body, { 'x-l2f-idempotency-id': randomUUID(), 'x-timestamp': ts, 'x-signature': signature });
    if (res.status !== 200) return { ok: false, detail: `batch ${res.status} ${res.body.slice(0, 200)}` };
    const results = (JSON.parse(res.body) as { data: { results: { transfer?: { status: string } }[] } }).data.results;
    const executed = results.filter((r) => r.transfer?.status === 'EXECUTED').length;
    if (executed !== results.length) return { ok: false, detail: `batch: ${results.length - executed} items not executed` };
    return { ok: true, executed };
  };

  const one = async (): Promise<{ ok: boolean; executed?: number; detail?: string }> => {
    if (spec.batch) return batch();
    const body = JSON.stringify(pair());
    const created = await post('/v1/transfers', body, { 'x-l2f-idempotency-id': randomUUID() });
    if (created.status !== 200) return { ok: false, detail: `create ${created.status} ${created.body.slice(0, 200)}` };
    const id = (JSON.parse(created.body) as { data: { id: string } }).data.id;
    const path = `/v1/transfers/${id}/accept`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}POST${path}`), key).toString('hex');
    const accepted = await post(path, '', { 'x-l2f-idempotency-id': randomUUID(), 'x-timestamp': ts, 'x-signature': signature });
    if (accepted.status !== 200) return { ok: false, detail: `accept ${accepted.status} ${accepted.body.slice(0, 200)}` };
    return { ok: true, executed: 1 };
  };

  return (async () => {
    const warmEnd = nowMs() + spec.warmupMs;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (nowMs() < warmEnd) await one();
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
      Array.from({ length: spec.concurrency }, async () => {
        while (nowMs() < deadline) {
          const t0 = nowMs();
          const r = await one().catch((err: Error) => ({ ok: false, executed: 0, detail: err.message }));
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
    agent.destroy();
    return { executed, failed, firstError, elapsedMs, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  })();
}

process.once('message', (spec: TransferLoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (err: Error) => process.send?.({ error: err.stack ?? err.message }, () => process.exit(1)),
  );
});
