/**
 * The SDK keeps money exact (CONTRACT §6, §16): the server writes amounts as JSON numbers with up
 * to 18 decimals, which JSON.parse would round. Through the SDK they reach the caller as the
 * exact text (`Amount`, a string) on create, retrieve, list, the raw typed client and webhooks,
 * and an amount a JS float already rounded is refused before it is sent. Also: the built SDK
 * imports no Node builtin at module load (the console bundles it for the browser).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Amount, isExactNumber, Ledgerline, parseJson, verifyWebhook, verifyWebhookAsync } from '@ledgerline/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corporationBody, makeApp, newTenant, OPERATOR, type Tenant, uid } from '../helpers.js';
import { balances, ETH, fundedAccount, rawNumbers, USD } from '../ledger/_fixtures.js';
import { SDK_DIR } from './_packed.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await makeApp();
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

/** The SDK for a tenant, with a fetch that records every raw body the server answered. */
function sdkFor(t: Tenant) {
  const raw: { path: string; text: string }[] = [];
  const sent: string[] = [];
  const client = new Ledgerline({
    baseUrl: base,
    clientId: t.clientId,
    clientSecret: t.secret,
    fetch: async (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (init?.body && url.pathname !== '/oauth2/token') sent.push(new TextDecoder().decode(init.body as Uint8Array));
      const res = await fetch(input, init);
      raw.push({ path: url.pathname, text: await res.clone().text() });
      return res;
    },
  });
  return { client, raw, sent };
}

const operator = () => new Ledgerline({ baseUrl: base, clientId: OPERATOR.id, clientSecret: OPERATOR.secret });

describe('exact amounts through the SDK', () => {
  it('an 18-decimal amount: create, retrieve, list, accept and balances, to the last digit', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, ETH, '1')).id;
    const destination = (await fundedAccount(t, ETH)).id;
    const { client, raw, sent } = sdkFor(t);

    const created = await client.transfers.create({
      source_account_id: source,
      destination_account_id: destination,
      amount: '0.123456789012345678',
    });
    const amount: Amount = created.source_details.amount_to_debit; // typed as the exact text
    expect(amount).toBe('0.123456789012345678');
    expect(created.destination_details.amount_to_credit).toBe('0.123456789012345678');
    expect(sent.at(-1)).toContain('"amount":"0.123456789012345678"');
    // The server did send a JSON number (which JSON.parse would have rounded).
    const wire = raw.find((r) => r.path === '/v1/transfers')?.text ?? '';
    expect(rawNumbers(wire, 'amount_to_debit')).toEqual(['0.123456789012345678']);
    expect(String((JSON.parse(wire) as any).data.source_details.amount_to_debit)).not.toBe('0.123456789012345678');

    expect((await client.transfers.retrieve(created.id)).destination_details.amount_to_credit).toBe('0.123456789012345678');
    const listed = await client.transfers.list({ limit: 10 });
    expect(listed.data.map((x) => [x.id, x.source_details.amount_to_debit])).toEqual([[created.id, '0.123456789012345678']]);
    const all: string[] = [];
    for await (const x of client.transfers.list({ limit: 1 })) all.push(x.destination_details.amount_to_credit);
    expect(all).toEqual(['0.123456789012345678']);

    await client.transfers.accept(created.id);
    const src = await client.accounts.deposits.retrieve(source);
    const dst = await client.accounts.deposits.retrieve(destination);
    expect([src.current_balance, src.available_balance]).toEqual(['0.876543210987654322', '0.876543210987654322']);
    expect([dst.current_balance, dst.available_balance]).toEqual(['0.123456789012345678', '0.123456789012345678']);
    expect(await balances(t.api, destination)).toEqual({ current: '0.123456789012345678', available: '0.123456789012345678' });
    const lines = await client.accounts.deposits.transactions(destination).toArray();
    expect(lines.map((l) => l.value)).toContain('0.123456789012345678');
  });

  it('a USD amount past 2^53 minor units: 12345678901234567.89 exactly, both ways', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD)).id;
    const destination = (await fundedAccount(t, USD)).id;
    // Funded through the SDK too: the operator acting for the client, the amount as a string.
    const adjustment = await operator().actingFor(t.clientId).admin.adjustments.create({
      account_id: source,
      amount: '12345678901234567.89',
      transaction_type: 'CREDIT_CORRECTION',
      reason: 'big',
    });
    expect(adjustment.id).toBeTruthy();
    const { client } = sdkFor(t);
    expect((await client.accounts.deposits.retrieve(source)).current_balance).toBe('12345678901234567.89');

    const created = await client.transfers.create({
      source_account_id: source,
      destination_account_id: destination,
      amount: '12345678901234567.89',
    });
    expect(created.source_details.amount_to_debit).toBe('12345678901234567.89');
    expect((await client.transfers.retrieve(created.id)).destination_details.amount_to_credit).toBe('12345678901234567.89');
    expect((await client.transfers.list()).data.map((x) => x.source_details.amount_to_debit)).toEqual(['12345678901234567.89']);
    await client.transfers.accept(created.id);
    expect((await client.accounts.deposits.retrieve(destination)).available_balance).toBe('12345678901234567.89');
    expect((await client.accounts.deposits.retrieve(source)).current_balance).toBe('0');

    // The typed openapi-fetch client on the same transport reads amounts exactly as well.
    const { data } = await client.api.GET('/v1/transfers/{transfer_id}', { params: { path: { transfer_id: created.id } } });
    expect(data?.data.destination_details.amount_to_credit).toBe('12345678901234567.89');
  });

  it('refuses an amount a JS float already rounded, before anything is sent; exact numbers go out as written', async () => {
    const t = await newTenant(app);
    const source = (await fundedAccount(t, USD, '100.00')).id;
    const destination = (await fundedAccount(t, USD)).id;
    const { client, sent } = sdkFor(t);
    const body = { source_account_id: source, destination_account_id: destination };
    // biome-ignore lint/correctness/noPrecisionLoss: the very mistake the SDK refuses
    await expect(client.transfers.create({ ...body, amount: 12345678901234567.89 })).rejects.toThrow(/not exact as a JS number/);
    await expect(client.transfers.create({ ...body, amount: 0.1 + 0.2 })).rejects.toThrow(TypeError);
    expect(sent).toEqual([]); // nothing reached the server
    const ok = await client.transfers.create({ ...body, amount: 10.25 });
    expect(ok.source_details.amount_to_debit).toBe('10.25');
    expect(sent).toEqual([expect.stringContaining('"amount":10.25')]);
    expect([isExactNumber(10.25), isExactNumber(0.1 + 0.2), isExactNumber(2 ** 53), isExactNumber(123456789012345)]).toEqual([
      true,
      false,
      false,
      true,
    ]);
  });

  it('parses amounts exactly in webhook events (sync and WebCrypto verification) and leaves other numbers alone', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
    const body =
      '{"event_id":"e1","event_date":"2026-01-01T00:00:00Z","event_type":"TRANSFER_EXECUTED","event_data":{"transfer":{"amount":0.123456789012345678,"memo":"\\"amount\\": 1.5","attempt":3}}}';
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(timestamp + body), privateKey).toString('hex');
    const headers = { 'x-timestamp': timestamp, 'x-signature': signature, 'x-l2f-event-id': 'e1' };
    const expected = { amount: '0.123456789012345678', memo: '"amount": 1.5', attempt: 3 };
    expect(verifyWebhook<any>(body, headers, keyHex).event_data.transfer).toEqual(expected);
    expect((await verifyWebhookAsync<any>(body, headers, keyHex)).event_data.transfer).toEqual(expected);
    await expect(verifyWebhookAsync(body.replace('0.12', '0.13'), headers, keyHex)).rejects.toThrow(/signature does not match/);
    expect(parseJson<any>('{"fee":12345678901234567.89,"decimals":18,"rate":"1.5","amount":[1]}')).toEqual({
      fee: '12345678901234567.89',
      decimals: 18,
      rate: '1.5',
      amount: [1],
    });
  });

  it('hands a downloaded file over byte for byte; a JSON answer of the API gets exact amounts', async () => {
    const file = '{"amount":0.123456789012345678,"note":"a document someone uploaded"}';
    const client = new Ledgerline({
      baseUrl: 'http://ledgerline.test',
      clientId: 'id',
      clientSecret: 'secret',
      fetch: async (input) =>
        String(input).endsWith('/oauth2/token')
          ? Response.json({ access_token: 'tok', token_type: 'Bearer', expires_in: 900, scope: '' })
          : new Response(file, { headers: { 'content-type': 'application/json' } }),
    });
    expect(await (await client.download('/v1/documents/d1/download', { accept: '*/*' })).text()).toBe(file);
    expect(await client.request('get', '/v1/documents/d1')).toEqual({
      amount: '0.123456789012345678',
      note: 'a document someone uploaded',
    });
  });

  it('types a discriminated response by the value the server sends (customer_type "CORPORATION", not the schema name)', async () => {
    const t = await newTenant(app);
    const { client } = sdkFor(t);
    const body = corporationBody(uid('disc'));
    await client.customers.create(body as any);
    const customer = await client.customers.retrieve(body.id);
    const type: 'INDIVIDUAL' | 'CORPORATION' = customer.customer_type; // compiles only with the mapping
    expect(type).toBe('CORPORATION');
  });

  it('the built SDK imports no Node builtin at module load (a browser bundle gets none)', () => {
    const dist = join(SDK_DIR, 'dist');
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    for (const f of files) {
      const code = readFileSync(join(dist, f), 'utf8');
      expect(code, f).not.toMatch(/^\s*import[^;]*from\s*['"](node:|crypto|buffer|fs|path)/m);
      expect(code, f).not.toMatch(/\bimport\(\s*['"]node:/);
      expect(code, f).not.toMatch(/\bBuffer\./);
    }
  });
});
