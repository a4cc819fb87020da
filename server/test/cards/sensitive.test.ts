/**
 * Card numbers (issue 13): 16 digits from the sandbox BIN, Luhn-valid, unique; the PAN and CVV
 * are encrypted at rest and leave only through /sensitive with the scope cards:sensitive, which
 * the operator grants (no client holds it by default); every read is evented. No table and no
 * log line (at trace level) holds either in clear.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cards } from '../../src/db/schema-cards.js';
import { isLuhnValid, luhnDigit, SANDBOX_BIN } from '../../src/modules/cards/cards.pan.js';
import { TENANT_SCOPES } from '../../src/shared/scopes.js';
import { Api, makeApp, tokenFor } from '../helpers.js';
import { eventsOf, expectError, ok } from '../money/_fixtures.js';
import { authorize, cardholder, HOTEL } from './_support.js';

let app: FastifyInstance;
let logs = '';
beforeAll(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  app = await makeApp({ LOG_LEVEL: 'trace' }, { logStream: stream });
});
afterAll(async () => {
  await app.close();
});

/** `table.column (n rows)` for every text-like column of every table holding `needle`. */
async function columnsContaining(needle: string): Promise<string[]> {
  return app.ledgerline.database.rawTransaction(async (s) => {
    const columns = await s.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type IN ('text', 'jsonb', 'json', 'character varying', 'bytea')
        ORDER BY table_name, column_name`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toContain('cards.pan_encrypted');
    const found: string[] = [];
    for (const c of columns) {
      const [row] = await s.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${c.table_name}" WHERE position($1 in "${c.column_name}"::text) > 0`,
        [needle],
      );
      if (row && Number(row.n) > 0) found.push(`${c.table_name}.${c.column_name} (${row.n} rows)`);
    }
    return found;
  });
}

describe('card numbers', () => {
  it('Luhn: the check digit of known numbers', () => {
    expect(isLuhnValid('4242424242424242')).toBe(true);
    expect(isLuhnValid('4242424242424241')).toBe(false);
    expect(luhnDigit('400000000000000')).toBe('2');
  });

  it('new clients hold cards:read and cards:write, not cards:sensitive; the operator grants it', async () => {
    expect(TENANT_SCOPES).toEqual(expect.arrayContaining(['cards:read', 'cards:write']));
    expect(TENANT_SCOPES).not.toContain('cards:sensitive');
    const { t, cardId } = await cardholder(app, '0');
    expectError(await t.api.get(`/v1/cards/${cardId}/sensitive`), 403, 'INSUFFICIENT_SCOPE');
    // A client cannot grant itself the scope.
    expectError(
      await t.api.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...TENANT_SCOPES, 'cards:sensitive'] }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    const op = t.operator;
    const granted = await ok(op.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...TENANT_SCOPES, 'cards:sensitive'] }));
    expect(granted.scopes).toContain('cards:sensitive');
    // A token asked for fewer scopes does not carry it.
    const readOnly = new Api(app, await tokenFor(app, t.clientId, t.secret, 'cards:read'));
    expectError(await readOnly.get(`/v1/cards/${cardId}/sensitive`), 403, 'INSUFFICIENT_SCOPE');
    expect((await ok(readOnly.get(`/v1/cards/${cardId}`))).id).toBe(cardId);
    const sensitive = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const res = await sensitive.get(`/v1/cards/${cardId}/sensitive`);
    expect(res.status, res.raw).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('16 digits from the sandbox BIN, Luhn-valid, unique; only /sensitive shows them, each read evented; nothing in clear at rest or in logs', async () => {
    const { t, customerId, accountId, card, cardId } = await cardholder(app, '50');
    await ok(t.operator.patch(`/v1/admin/clients/${t.clientId}`, { scopes: [...TENANT_SCOPES, 'cards:sensitive'] }));
    const api = new Api(app, await tokenFor(app, t.clientId, t.secret));
    const s1 = await ok(api.get(`/v1/cards/${cardId}/sensitive`));
    const s2 = await ok(api.get(`/v1/cards/${cardId}/sensitive`));
    expect(s2).toEqual(s1);
    expect(Object.keys(s1).sort()).toEqual(['cvv', 'exp_month', 'exp_year', 'id', 'pan']);
    const pan = String(s1.pan);
    const cvv = String(s1.cvv);
    expect(pan).toMatch(/^\d{16}$/);
    expect(pan.startsWith(SANDBOX_BIN)).toBe(true);
    expect(isLuhnValid(pan)).toBe(true);
    expect(pan.slice(-4)).toBe(card.last4);
    expect(cvv).toMatch(/^\d{3}$/);
    const viewed = (await eventsOf(app, t.clientId, cardId)).filter((e) => e.type === 'CARD_SENSITIVE_VIEWED');
    expect(viewed).toHaveLength(2);
    expect(JSON.stringify(viewed)).not.toContain(pan);

    // Other cards get other numbers.
    const pans = new Set([pan]);
    for (let i = 0; i < 5; i++) {
      const other = await ok(t.api.post('/v1/cards', { customer_id: customerId, account_id: accountId, card_type: 'VIRTUAL' }));
      const more = await ok(api.get(`/v1/cards/${other.id}/sensitive`));
      expect(isLuhnValid(String(more.pan))).toBe(true);
      pans.add(String(more.pan));
    }
    expect(pans.size).toBe(6);

    // Every other answer about the card: no PAN, no CVV.
    const seen = [
      (await api.get(`/v1/cards/${cardId}`)).raw,
      (await api.get('/v1/cards')).raw,
      (await api.patch(`/v1/cards/${cardId}`, { status: 'LOCKED' })).raw,
      (await api.patch(`/v1/cards/${cardId}`, { status: 'ACTIVE' })).raw,
      (await authorize(t, cardId, '10', HOTEL)).raw,
      (await api.get(`/v1/cards/${cardId}/history`)).raw,
      (await api.get(`/v1/events?resource_id=${cardId}`)).raw,
    ];
    for (const raw of seen) {
      expect(raw).not.toContain(pan);
      expect(raw).not.toContain('"cvv"');
    }

    // At rest: envelopes only, found again by the keyed hash; no column of any table holds them in clear.
    const stored = (await app.ledgerline.database.db.select().from(cards)).find((c) => c.id === cardId);
    expect(stored?.panEncrypted).toMatch(/^llv1:/);
    expect(stored?.cvvEncrypted).toMatch(/^llv1:/);
    expect(stored?.panHash).toBe(app.ledgerline.vault.lookupHash(pan, 'cards.pan'));
    expect(await columnsContaining(pan)).toEqual([]);
    expect(await columnsContaining(pan.slice(0, 12))).toEqual([]);
    for (const needle of [`"cvv":"${cvv}"`, `"cvv": "${cvv}"`, `"cvv":${cvv}`, `cvv=${cvv}`]) {
      expect(await columnsContaining(needle)).toEqual([]);
    }
    // Logs at trace level: neither the PAN nor a CVV field.
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain(`/v1/cards/${cardId}/sensitive`);
    expect(logs).not.toContain(pan);
    expect(logs).not.toContain(pan.slice(0, 12));
    expect(logs).not.toContain('"cvv"');
  });
});
