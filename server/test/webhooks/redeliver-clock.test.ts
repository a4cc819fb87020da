/**
 * POST /v1/events/{id}/redeliver is due now in real time, whatever the client's sandbox clock says
 * (issue 10, point 5): the worker claims in real time, so a redelivery stamped in the client's
 * future would wait for real time to catch up (a day after a one-day advance).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, newTenant } from '../helpers.js';
import { deliveriesOf, eventsOf, newCustomer, pass, Receiver, subscribe, until } from './_support.js';

describe('redelivery after a sandbox clock advance', () => {
  let app: FastifyInstance;
  let receiver: Receiver;
  beforeAll(async () => {
    // The system clock (real time plus each client's sandbox offset), as in a real sandbox.
    app = await makeApp({ WEBHOOK_WORKER: 'false' });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('is sent at the next pass of the worker, with a signature stamped in real time', async () => {
    const t = await newTenant(app);
    const path = `/redeliver-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    const customer = await newCustomer(t.api);
    await until(
      'the first delivery',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 1,
    );

    const advanced = await t.api.post('/v1/simulations/clock', { advance_seconds: 86_400 });
    expect(advanced.status, advanced.raw).toBe(200);
    const [event] = await eventsOf(t.api, customer);
    const re = await t.api.post(`/v1/events/${event.id}/redeliver`);
    expect(re.body).toEqual({ data: { id: event.id, deliveries: 1 } });
    const [fresh] = await deliveriesOf(t.api, sub.id);
    expect(fresh.status).toBe('PENDING');
    expect(Math.abs(new Date(fresh.next_attempt_at).getTime() - Date.now())).toBeLessThan(60_000);

    await until(
      'the redelivery',
      () => pass(app, t.clientId),
      () => receiver.at(path).length === 2,
      10_000,
    );
    const second = receiver.at(path)[1];
    expect(second?.verified).toBe(true);
    expect(second?.eventId).toBe(event.id);
    expect(Math.abs(Number(second?.timestamp) * 1000 - Date.now())).toBeLessThan(60_000);
    expect((await deliveriesOf(t.api, sub.id))[0]).toMatchObject({ status: 'DELIVERED', attempt_count: 1 });
  });
});
