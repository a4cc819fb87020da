/** Helpers of the card tests (not a test file). */
import type { FastifyInstance } from 'fastify';
import { newTenant, setClockOffset, type Tenant } from '../helpers.js';
import { customerWithAccount, fund, ok } from '../money/_fixtures.js';

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
