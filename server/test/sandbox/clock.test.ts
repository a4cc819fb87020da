/** The sandbox clock is each client's own (docs/adr/0003). */
import { describe, expect, it } from 'vitest';
import { getApp, makeApp, newTenant } from '../helpers.js';

const createdAt = async (api: { post: (u: string, b: unknown) => Promise<{ body: any }> }, body: unknown) =>
  new Date((await api.post('/v1/customers', body)).body.data.created_at).getTime();
const person = (id: string) => ({ id, customer_type: 'INDIVIDUAL', first_name: 'Ada', last_name: 'Lovelace' });

describe('POST /v1/simulations/clock', () => {
  it('moves only the caller’s time: its new rows are stamped ahead, another client’s are not', async () => {
    const app = await getApp();
    const mover = await newTenant(app);
    const other = await newTenant(app);
    const before = Date.now();
    const res = await mover.api.post('/v1/simulations/clock', { advance_seconds: 86_400 });
    expect(res.status).toBe(200);
    const now = new Date(res.body.data.now).getTime();
    expect(now - before).toBeGreaterThanOrEqual(86_400_000);

    const ahead = await createdAt(mover.api, person('mover-1'));
    const real = await createdAt(other.api, person('other-1'));
    expect(ahead - real).toBeGreaterThanOrEqual(86_400_000 - 60_000);
    expect(Math.abs(real - Date.now())).toBeLessThan(60_000);

    // A second move adds to the first; the offset is stored with the client.
    await mover.api.post('/v1/simulations/clock', { advance_seconds: 3_600 });
    const [row] = (await app.ledgerline.services.clients.withClockOffsets()).filter((c) => c.clientId === mover.clientId);
    expect(row?.offsetMs).toBeGreaterThanOrEqual(90_000_000);
    expect((await app.ledgerline.services.clients.withClockOffsets()).some((c) => c.clientId === other.clientId)).toBe(false);

    // Another app (another process, a restart) sees the same client time.
    const second = await makeApp();
    try {
      const fromSecond = await second.inject({
        method: 'POST',
        url: '/v1/customers',
        headers: { authorization: `Bearer ${mover.api.token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(person('mover-2')),
      });
      expect(new Date(fromSecond.json().data.created_at).getTime() - Date.now()).toBeGreaterThanOrEqual(90_000_000 - 60_000);
    } finally {
      await second.close();
    }
  });

  it('tokens follow real time: a client a year ahead keeps using its token', async () => {
    const app = await getApp();
    const t = await newTenant(app);
    expect((await t.api.post('/v1/simulations/clock', { advance_seconds: 366 * 86_400 })).status).toBe(200);
    expect((await t.api.get('/v1/customers')).status).toBe(200);
  });

  it('refuses a move backwards or of zero', async () => {
    const t = await newTenant(await getApp());
    for (const advance_seconds of [0, -5]) {
      const res = await t.api.post('/v1/simulations/clock', { advance_seconds });
      expect([res.status, res.body.errors[0].code, res.body.errors[0].field]).toEqual([400, 'VALIDATION_ERROR', 'advance_seconds']);
    }
  });
});
