import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Ledgerline, LedgerlineError } from '@ledgerline/sdk';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

/** Exit codes: 0 done; 1 the operation failed (a refusal, an unbalanced ledger, …); 2 bad usage. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 75, config: 78 } as const;

/** A failure the command has already described: main prints it and exits with its code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  json?: boolean;
}

export const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals() as GlobalOptions;

/** The server workspace's folder: the default DATA_DIR is its `data`, as for `npm start`. */
export function serverDir(): string {
  return dirname(createRequire(import.meta.url).resolve('ledgerline/package.json'));
}

/** DATA_DIR as the server sees it when started with `npm start` (relative paths: from the current folder). */
export function dataDir(): string {
  return process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(serverDir(), 'data');
}

type Role = 'client' | 'operator';

/**
 * An SDK client from --base-url/--client-id/--client-secret, else LEDGERLINE_BASE_URL,
 * LEDGERLINE_CLIENT_ID, LEDGERLINE_CLIENT_SECRET, else (a local sandbox) the credentials the
 * server wrote at first start: the operator's for operator commands, the demo client's otherwise.
 */
export function client(cmd: Command, role: Role = 'client'): Ledgerline {
  const o = globals(cmd);
  const baseUrl = o.baseUrl ?? process.env.LEDGERLINE_BASE_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
  let clientId = o.clientId ?? process.env.LEDGERLINE_CLIENT_ID;
  let clientSecret = o.clientSecret ?? process.env.LEDGERLINE_CLIENT_SECRET;
  if (!clientId || !clientSecret) {
    const file = join(dataDir(), 'sandbox-credentials.json');
    if (!existsSync(file)) {
      throw new CliError(
        'No credentials: pass --client-id and --client-secret, or set LEDGERLINE_CLIENT_ID and LEDGERLINE_CLIENT_SECRET.',
        EXIT.usage,
      );
    }
    const creds = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { client_id: string; client_secret: string } | undefined>;
    const entry = creds[role === 'operator' ? 'operator' : 'demo'];
    if (!entry) throw new CliError(`No ${role} credentials in ${file}: pass --client-id and --client-secret.`, EXIT.usage);
    clientId = entry.client_id;
    clientSecret = entry.client_secret;
  }
  return new Ledgerline({ baseUrl, clientId, clientSecret });
}

/** Prints the command's result: JSON with --json, else the human lines. */
export function print(cmd: Command, json: unknown, human: () => string | string[]): void {
  if (globals(cmd).json) process.stdout.write(`${JSON.stringify(json)}\n`);
  else {
    const lines = human();
    process.stdout.write(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
  }
}

/**
 * A progress bar on stderr, shown only to a person (a terminal, and no --json).
 * LEDGERLINE_PROGRESS=1 shows it when stderr is not a terminal too (a CI log: one line per
 * redraw, at the start, every second, and at the end); LEDGERLINE_PROGRESS=0 never shows it.
 */
export function progress(
  cmd: Command,
  label: string,
): { start(total: number): void; update(value: number, what?: string): void; stop(): void } {
  const setting = process.env.LEDGERLINE_PROGRESS;
  const shown = setting === '1' || (setting !== '0' && process.stderr.isTTY === true);
  if (globals(cmd).json || !shown) return { start() {}, update() {}, stop() {} };
  const bar = new SingleBar({
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 1000,
    format: `${label} [{bar}] {percentage}% | {value}/{total} {what}`,
    barCompleteChar: '=',
    barIncompleteChar: ' ',
    hideCursor: true,
  });
  return {
    start: (total) => bar.start(total, 0, { what: '' }),
    update: (value, what = '') => bar.update(value, { what }),
    stop: () => bar.stop(),
  };
}

/** How a failure is shown: JSON on stdout with --json (so it parses), a sentence on stderr otherwise. */
export function reportError(json: boolean, err: unknown): number {
  if (err instanceof LedgerlineError) {
    const error = {
      status: err.status,
      code: err.code,
      field: err.field ?? null,
      description: err.errors[0]?.description ?? err.message,
      request_id: err.requestId ?? null,
      errors: err.errors,
    };
    if (json) process.stdout.write(`${JSON.stringify({ error })}\n`);
    else process.stderr.write(`Error: ${err.message}${err.requestId ? ` [request ${err.requestId}]` : ''}\n`);
    return EXIT.failed;
  }
  if (err instanceof CliError) {
    if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'CLI_ERROR', description: err.message, ...err.details } })}\n`);
    else process.stderr.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: 'UNEXPECTED', description: message } })}\n`);
  else process.stderr.write(`Error: ${message}\n`);
  return EXIT.failed;
}

/** Resolves on SIGINT or SIGTERM (long-running commands stop cleanly). */
export function untilSignal(): { signal: AbortSignal } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: controller.signal };
}
