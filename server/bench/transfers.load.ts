/**
 * Load generator for bench/transfers.bench.ts, run in a child process: `concurrency` lanes each
 * create a transfer (with an idempotency key) then accept it (signed), until the deadline.
 * One sample = one executed transfer, create + accept.
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
}

export interface TransferLoadResult {
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

  const one = async (): Promise<{ ok: boolean; detail?: string }> => {
    const n = spec.accounts.length;
    const i = Math.floor(Math.random() * n);
    let j = Math.floor(Math.random() * (n - 1));
    if (j >= i) j++;
    const body = JSON.stringify({ source_account_id: spec.accounts[i], destination_account_id: spec.accounts[j], amount: spec.amount });
    const created = await post('/v1/transfers', body, { 'x-l2f-idempotency-id': randomUUID() });
    if (created.status !== 200) return { ok: false, detail: `create ${created.status} ${created.body.slice(0, 200)}` };
    const id = (JSON.parse(created.body) as { data: { id: string } }).data.id;
    const path = `/v1/transfers/${id}/accept`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${ts}POST${path}`), key).toString('hex');
    const accepted = await post(path, '', { 'x-l2f-idempotency-id': randomUUID(), 'x-timestamp': ts, 'x-signature': signature });
    if (accepted.status !== 200) return { ok: false, detail: `accept ${accepted.status} ${accepted.body.slice(0, 200)}` };
    return { ok: true };
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
    process.send?.({ measuring: true });
    const cpu0 = process.cpuUsage();
    const start = nowMs();
    const deadline = start + spec.durationMs;
    await Promise.all(
      Array.from({ length: spec.concurrency }, async () => {
        while (nowMs() < deadline) {
          const t0 = nowMs();
          const r = await one().catch((err: Error) => ({ ok: false, detail: err.message }));
          if (r.ok) latencies.push(nowMs() - t0);
          else {
            failed++;
            firstError ??= r.detail;
          }
        }
      }),
    );
    const elapsedMs = nowMs() - start;
    const cpu = process.cpuUsage(cpu0);
    agent.destroy();
    return { executed: latencies.length, failed, firstError, elapsedMs, latencies, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  })();
}

process.once('message', (spec: TransferLoadSpec) => {
  run(spec).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (err: Error) => process.send?.({ error: err.stack ?? err.message }, () => process.exit(1)),
  );
});
