import type { StreamedEvent } from '@ledgerline/sdk';
import type { Command } from 'commander';
import { CliError, client, EXIT, globals, untilSignal } from '../context.js';

/** POSTs one streamed event to the local URL exactly as a webhook delivery: raw body, same headers. */
async function forward(url: string, e: StreamedEvent): Promise<{ status: number | null; error: string | null; ms: number }> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Ledgerline-CLI/listen', ...e.headers },
      body: e.body,
      signal: AbortSignal.timeout(10_000),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, error: null, ms: Math.round(performance.now() - started) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { status: null, error: cause?.code ?? cause?.message ?? (err as Error).message, ms: Math.round(performance.now() - started) };
  }
}

/** `ledgerline listen --forward-to URL`: your events, as they happen, POSTed to a local URL (like `stripe listen`). */
export function listenCommand(program: Command): void {
  program
    .command('listen')
    .description('Receive your events as they happen and forward each, signed, to a local URL')
    .requiredOption('--forward-to <url>', 'where to POST each event (e.g. http://localhost:4000/hooks)')
    .option('--events <types>', 'only these event types (comma-separated)')
    .action(async (opts: { forwardTo: string; events?: string }, cmd: Command) => {
      let target: URL;
      try {
        target = new URL(opts.forwardTo);
      } catch {
        throw new CliError(`--forward-to: not a URL: ${opts.forwardTo}`, EXIT.usage);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new CliError('--forward-to: http or https only', EXIT.usage);
      const json = globals(cmd).json;
      const api = client(cmd);
      const types = opts.events?.split(/[\s,]+/).filter(Boolean);
      const listener = await api.eventListeners.create(types?.length ? { event_types: types as never } : {});
      const { signal } = untilSignal();
      const say = (obj: Record<string, unknown>, human: string) => process.stdout.write(`${json ? JSON.stringify(obj) : human}\n`);
      say(
        { ready: true, listener_id: listener.id, signature_verification_key: listener.signature_verification_key, forward_to: target.href },
        `Ready! Forwarding your events to ${target.href}\nYour signature_verification_key is ${listener.signature_verification_key} (listener ${listener.id}). Ctrl-C to stop.`,
      );
      try {
        for await (const e of api.eventListeners.stream(listener.id, { signal })) {
          const { event_type: type } = JSON.parse(e.body) as { event_type: string };
          const r = await forward(target.href, e);
          const ok = r.status !== null && r.status >= 200 && r.status < 300;
          say(
            { event_id: e.id, event_type: type, status: r.status, ok, error: r.error, duration_ms: r.ms },
            `${new Date().toISOString()}  ${type.padEnd(28)} ${e.id}  --> POST ${target.href} [${r.status ?? r.error}]`,
          );
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      } finally {
        await api.eventListeners.delete(listener.id).catch(() => undefined);
      }
    });
}
