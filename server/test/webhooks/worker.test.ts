/** The worker loop: started with the app (WEBHOOK_WORKER), delivers by itself, stops cleanly. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookWorker } from '../../src/jobs/webhooks.worker.js';
import { makeApp, newTenant } from '../helpers.js';
import { deliveriesOf, type ManualClock, manualClock, newCustomer, pass, Receiver, subscribe, until } from './_support.js';

const quiet = { warn: () => {}, error: () => {} };

describe('worker lifecycle', () => {
  it('runs when the app is ready unless WEBHOOK_WORKER=false, and stops when it closes', async () => {
    // A clock in the past: this worker never finds another test's delivery due.
    const on = await makeApp({ WEBHOOK_WORKER: 'true' }, { clock: manualClock(Date.UTC(2000, 0, 1)) });
    const off = await makeApp({ WEBHOOK_WORKER: 'false' });
    expect(on.ledgerline.webhookWorker.started).toBe(true);
    expect(off.ledgerline.webhookWorker.started).toBe(false);
    await on.close();
    await off.close();
    expect(on.ledgerline.webhookWorker.started).toBe(false);
  });
});

describe('the loop', () => {
  let clock: ManualClock;
  let app: FastifyInstance;
  let receiver: Receiver;
  beforeAll(async () => {
    clock = manualClock();
    app = await makeApp({ WEBHOOK_WORKER: 'false' }, { clock });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await app.close();
    await receiver.close();
  });

  it('delivers with no help, retries when due, and on stop abandons what is in flight and releases it', async () => {
    const t = await newTenant(app);
    const path = `/loop-${t.clientId}`;
    const sub = await subscribe(t.api, 'CUSTOMER_ACTIVE', receiver.url(path));
    receiver.expectKey(path, sub.key);
    receiver.answer(path, (n) => (n === 1 ? 500 : n === 2 ? 200 : n === 3 ? 'hang' : 200));
    const worker = new WebhookWorker(app.ledgerline.webhookWorker.delivery, {
      log: quiet,
      pollMs: 20,
      clientId: t.clientId,
      stopGraceMs: 100,
    });
    worker.start();
    try {
      const first = await newCustomer(t.api);
      await until(
        'the first attempt',
        async () => {},
        () => receiver.at(path).length === 1,
      );
      await until(
        'its failure recorded',
        async () => {},
        async () => (await deliveriesOf(t.api, sub.id))[0]?.attempt_count === 1,
      );
      clock.advance(10);
      await until(
        'the retry',
        async () => {},
        () => receiver.at(path).length === 2,
      );
      await until(
        'DELIVERED',
        async () => {},
        async () => (await deliveriesOf(t.api, sub.id))[0]?.status === 'DELIVERED',
      );
      expect(receiver.at(path).map((r) => [r.verified, r.body.event_data.customer.id])).toEqual([
        [true, first],
        [true, first],
      ]);

      const second = await newCustomer(t.api);
      await until(
        'the attempt that hangs',
        async () => {},
        () => receiver.at(path).length === 3,
      );
      await worker.stop();
      expect(worker.started).toBe(false);
      const [held] = await deliveriesOf(t.api, sub.id);
      expect(held).toMatchObject({ status: 'PENDING', attempt_count: 0, attempts: [] });

      // Released, so due at once: the next pass sends it again.
      await until(
        'the resend',
        () => pass(app, t.clientId),
        () => receiver.at(path).length === 4,
      );
      const [done] = await deliveriesOf(t.api, sub.id);
      expect(done).toMatchObject({ status: 'DELIVERED', attempt_count: 1 });
      expect(
        receiver
          .at(path)
          .slice(2)
          .map((r) => [r.verified, r.body.event_data.customer.id]),
      ).toEqual([
        [true, second],
        [true, second],
      ]);
    } finally {
      await worker.stop();
    }
  });
});
