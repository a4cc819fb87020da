import http from 'node:http';
import https from 'node:https';
import type { Mode } from '../../config/index.js';
import { parseCallbackUrl, publicOnlyLookup, UrlRefused } from './webhooks.urls.js';

export interface SendResult {
  /** The HTTP status answered; null when there was no answer. */
  statusCode: number | null;
  /** Why the attempt failed; null on a 2xx. */
  error: string | null;
  durationMs: number;
  /** The worker is stopping and abandoned the attempt: nothing to record. */
  abandoned: boolean;
}

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  mode: Mode;
  /** Aborts the attempt when the worker stops. */
  stop: AbortSignal;
}

const USER_AGENT = 'Ledgerline-Webhooks/1.0';

const describeError = (err: NodeJS.ErrnoException) =>
  err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message;

/**
 * One POST of a delivery, outside any database transaction. node:http rather than fetch: its
 * `lookup` hook lets production check the very addresses the socket connects to. Redirects are
 * not followed (a 3xx is a failure); the response body is ignored.
 */
export function sendWebhook(req: SendRequest): Promise<SendResult> {
  const started = performance.now();
  const finish = (statusCode: number | null, error: string | null, abandoned = false): SendResult => ({
    statusCode,
    error: error && error.length > 500 ? `${error.slice(0, 497)}...` : error,
    durationMs: Math.max(0, Math.round(performance.now() - started)),
    abandoned,
  });
  let url: URL;
  try {
    url = parseCallbackUrl(req.url, req.mode);
  } catch (err) {
    return Promise.resolve(finish(null, `refused: ${(err as Error).message}`));
  }
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([timeout, req.stop]);
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(req.body)),
          'user-agent': USER_AGENT,
          ...req.headers,
        },
        signal,
        agent: false,
        ...(req.mode === 'production' && { lookup: publicOnlyLookup as never }),
      },
      (res) => {
        const code = res.statusCode ?? 0;
        res.resume();
        if (code >= 200 && code < 300) return done(finish(code, null));
        if (code >= 300 && code < 400) return done(finish(code, `HTTP ${code}: redirects are not followed`));
        return done(finish(code, `HTTP ${code}`));
      },
    );
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (req.stop.aborted) return done(finish(null, 'abandoned: the worker stopped', true));
      if (timeout.aborted) return done(finish(null, `timeout: no answer within ${req.timeoutMs} ms`));
      if (err instanceof UrlRefused || err.code === 'ERR_WEBHOOK_URL_REFUSED') return done(finish(null, `refused: ${err.message}`));
      return done(finish(null, describeError(err)));
    });
    request.end(req.body);
  });
}
