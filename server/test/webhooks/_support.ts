/**
 * Helpers of the webhook tests (not a test file): a real HTTP receiver that verifies every
 * signature the way docs/webhooks.md tells receivers to, a clock the test drives, bounded polls.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { manualClock as baseManualClock, type ManualClock } from '../clock.js';
import { type Api, individualBody, uid } from '../helpers.js';

/** Far beyond any sandbox clock another test may have moved: background workers of other test apps (real time) never find these deliveries due. */
export const FUTURE = Date.UTC(2126, 0, 1);

/** A manual clock far in the future (see FUTURE). */
export const manualClock = (start = FUTURE + Math.floor(Math.random() * 1e9)): ManualClock => baseManualClock(start);
export type { ManualClock };

export interface Received {
  path: string;
  eventId: string;
  timestamp: string;
  signature: string;
  raw: string;
  body: any;
  verified: boolean;
  contentType: string | undefined;
}

/** What the receiver answers: a status code, or 'hang' (never answer). */
export type Answer = number | 'hang';

/** A receiver's view of a signature: Ed25519 over `${x-timestamp}${raw body}` with the subscription's hex key. */
export function verifySignature(publicKeyHex: string, timestamp: string, rawBody: string, signatureHex: string): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyHex, 'hex')]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  try {
    return verify(null, Buffer.from(timestamp + rawBody), key, Buffer.from(signatureHex, 'hex'));
  } catch {
    return false;
  }
}

/**
 * A real node:http receiver on 127.0.0.1:<random port>. Each path has the subscription key it
 * verifies with and a policy answering the n-th request (1-based) for that path.
 */
export class Receiver {
  readonly received: Received[] = [];
  private readonly keys = new Map<string, string>();
  private readonly policies = new Map<string, (n: number, r: Received) => Answer | Promise<Answer>>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The key deliveries to `path` must verify with (the subscription's signature_verification_key). */
  expectKey(path: string, publicKeyHex: string): void {
    this.keys.set(path, publicKeyHex);
  }

  answer(path: string, policy: (n: number, r: Received) => Answer | Promise<Answer>): void {
    this.policies.set(path, policy);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : '';
    };
    const key = this.keys.get(path);
    const r: Received = {
      path,
      eventId: header('x-l2f-event-id'),
      timestamp: header('x-timestamp'),
      signature: header('x-signature'),
      raw,
      body: JSON.parse(raw),
      verified: key !== undefined && verifySignature(key, header('x-timestamp'), raw, header('x-signature')),
      contentType: req.headers['content-type'],
    };
    this.received.push(r);
    const answer = await (this.policies.get(path) ?? (() => 200))(this.at(path).length, r);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Polls `step` then `check` until check returns something truthy (bounded: fails after `ms`). */
export async function until<T>(
  what: string,
  step: () => Promise<unknown>,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 25_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    await step();
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One pass of the app's worker for this tenant only (other tests' deliveries are left alone). */
export const pass = (app: FastifyInstance, clientId: string) => app.ledgerline.webhookWorker.runOnce({ clientId });

export async function subscribe(api: Api, eventType: string, callbackUrl: string): Promise<{ id: string; key: string; body: any }> {
  const res = await api.post('/v1/subscriptions', { event_type: eventType, callback_url: callbackUrl });
  expect(res.status, res.raw).toBe(200);
  return { id: res.body.data.id, key: res.body.data.signature_verification_key, body: res.body.data };
}

/** Creates an INDIVIDUAL customer (regulated tenant): one CUSTOMER_ACTIVE event. */
export async function newCustomer(api: Api): Promise<string> {
  const id = uid('wh');
  const res = await api.post('/v1/customers', individualBody(id));
  expect(res.status, res.raw).toBe(200);
  return id;
}

/** The tenant's events of a resource, oldest first. */
export async function eventsOf(api: Api, resourceId: string): Promise<any[]> {
  const res = await api.get(`/v1/events?resource_id=${encodeURIComponent(resourceId)}&order=ASC`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data.events;
}

export async function deliveriesOf(api: Api, subscriptionId: string): Promise<any[]> {
  const res = await api.get(`/v1/subscriptions/${subscriptionId}/deliveries`);
  expect(res.status, res.raw).toBe(200);
  return res.body.data.deliveries;
}
