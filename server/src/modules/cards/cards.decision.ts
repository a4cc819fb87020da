import http from 'node:http';
import https from 'node:https';
import type { Mode } from '../../config/index.js';
import { parseCallbackUrl, publicOnlyLookup, signDelivery } from '../webhooks/index.js';

/** How long Ledgerline waits for a client's real-time decision. */
export const DECISION_TIMEOUT_MS = 2000;
const MAX_ANSWER_BYTES = 16 * 1024;

export interface DecisionRequest {
  url: string;
  body: string;
  /** Unix seconds of real time: receivers compare it with their clock (as for webhooks). */
  timestamp: string;
  privateKeyPem: string;
  authorizationId: string;
  mode: Mode;
  timeoutMs: number;
}

/**
 * Asks the client's authorization webhook (outside any transaction): POSTs `{authorization}`
 * signed like event webhooks (Ed25519 over `<x-timestamp><body>`) and reads `{"approved": bool}`.
 * Returns true or false, or undefined when no usable answer came in time (no answer, a non-2xx,
 * a body that is not that JSON): the caller applies the timeout decision.
 */
export function askForDecision(req: DecisionRequest): Promise<boolean | undefined> {
  let url: URL;
  try {
    url = parseCallbackUrl(req.url, req.mode);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (v: boolean | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(req.body)),
          'user-agent': 'Ledgerline-Card-Authorizations/1.0',
          'x-l2f-card-authorization-id': req.authorizationId,
          'x-timestamp': req.timestamp,
          'x-signature': signDelivery(req.privateKeyPem, req.timestamp, req.body),
        },
        agent: false,
        ...(req.mode === 'production' && { lookup: publicOnlyLookup as never }),
      },
      (res) => {
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            request.destroy();
            return done(undefined);
          }
          chunks.push(c);
        });
        res.on('end', () => {
          if (!ok) return done(undefined);
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { approved?: unknown };
            done(typeof answer?.approved === 'boolean' ? answer.approved : undefined);
          } catch {
            done(undefined);
          }
        });
        res.on('error', () => done(undefined));
      },
    );
    const timer = setTimeout(() => {
      done(undefined);
      request.destroy();
    }, req.timeoutMs);
    request.on('error', () => done(undefined));
    request.end(req.body);
  });
}
