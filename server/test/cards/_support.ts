/** Helpers of the card tests (not a test file). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { newTenant, setClockOffset, type Tenant } from '../helpers.js';
import { customerWithAccount, fund, ok } from '../money/_fixtures.js';
import { verifySignature } from '../webhooks/_support.js';

export const COFFEE = { name: 'Blue Bottle Coffee', mcc: '5814', city: 'Oakland', country: 'US' };
export const HOTEL = { name: 'Grand Hotel', mcc: '7011', city: 'Paris', country: 'FR' };

/** A tenant (its token holds every default scope) with a funded USD account and a virtual card on it. */
export async function cardholder(app: FastifyInstance, funds = '100', controls?: Record<string, unknown>, at?: string) {
  const t = await newTenant(app);
  if (at) await setBusinessTime(app, t.clientId, at);
  const { customerId, accountId } = await customerWithAccount(t);
  if (funds !== '0') await fund(t, accountId, funds);
  const card = await ok(
    t.api.post('/v1/cards', {
      customer_id: customerId,
      account_id: accountId,
      card_type: 'VIRTUAL',
      ...(controls && { spending_controls: controls }),
    }),
  );
  return { t, customerId, accountId, card, cardId: card.id as string };
}

export function authorize(t: Tenant, cardId: string, amount: string | number, merchant: Record<string, unknown> = COFFEE) {
  return t.api.post(`/v1/simulations/cards/${cardId}/authorizations`, { amount, merchant });
}

/** Puts a tenant's business time at `iso` (on the frozen app, it stays there until moved again). */
export async function setBusinessTime(app: FastifyInstance, clientId: string, iso: string): Promise<void> {
  await setClockOffset(app, clientId, new Date(iso).getTime() - app.ledgerline.clock.now().getTime());
}

/** What a decision receiver got. */
export interface DecisionCall {
  raw: string;
  body: any;
  timestamp: string;
  signature: string;
  verified: boolean;
}

/**
 * A real node:http receiver for the real-time authorization webhook: verifies each signature
 * with the key it is told, and answers through a policy: a JSON body, or 'hang' (never answers).
 */
export class DecisionReceiver {
  readonly calls: DecisionCall[] = [];
  key = '';
  policy: (call: DecisionCall) => Promise<unknown | 'hang'> | unknown | 'hang' = () => ({ approved: true });
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/decide`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const timestamp = String(req.headers['x-timestamp'] ?? '');
    const signature = String(req.headers['x-signature'] ?? '');
    const call = { raw, body: JSON.parse(raw), timestamp, signature, verified: verifySignature(this.key, timestamp, raw, signature) };
    this.calls.push(call);
    const answer = await this.policy(call);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
