/**
 * The SDK's retry rules, against a scripted fetch: what is retried (network errors, 409
 * IDEMPOTENCY_IN_PROGRESS, 429, 5xx), what is not (other 4xx), and the idempotency key that
 * every attempt of one call shares.
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import { Ledgerline, LedgerlineConnectionError, LedgerlineError } from '@ledgerline/sdk';
import { describe, expect, it } from 'vitest';

type Step = Response | Error;
interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-l2f-request-id': 'req_test', ...headers },
  });
const refusal = (status: number, code: string, field?: string) =>
  json(status, { errors: [{ code, description: code.toLowerCase(), ...(field && { field }) }] });

/** A fetch that answers the token route itself and the API calls from `steps`, in order. */
function scripted(steps: Step[]) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith('/oauth2/token')) return json(200, { token_type: 'Bearer', access_token: 'tok', expires_in: 900, scope: '' });
    const body = init?.body ? Buffer.from(init.body as Uint8Array).toString('utf8') : '';
    calls.push({ url, method: init?.method ?? 'GET', headers: new Headers(init?.headers), body });
    const step = steps.shift();
    if (!step) throw new Error('no more scripted answers');
    if (step instanceof Error) throw step;
    return step;
  };
  return { calls, fetch };
}

const client = (fetch: ReturnType<typeof scripted>['fetch'], extra: Record<string, unknown> = {}) =>
  new Ledgerline({ baseUrl: 'http://ledgerline.test', clientId: 'id', clientSecret: 'secret', fetch, maxRetries: 2, ...extra });
const transfer = { data: { id: 'trf_1', status: 'REQUESTED' } };
const body = { source_account_id: 'a', destination_account_id: 'b', amount: '1.00' };

describe('retries', () => {
  it('retries a POST after a network error and a 503, with one idempotency key for every attempt', async () => {
    const s = scripted([new TypeError('fetch failed'), refusal(503, 'INTERNAL_ERROR'), json(200, transfer)]);
    const result = await client(s.fetch).transfers.create(body);
    expect(result).toEqual(transfer.data);
    expect(s.calls).toHaveLength(3);
    const keys = s.calls.map((c) => c.headers.get('x-l2f-idempotency-id'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(s.calls.every((c) => c.body === JSON.stringify(body) && c.headers.get('authorization') === 'Bearer tok')).toBe(true);
  });

  it('retries 409 IDEMPOTENCY_IN_PROGRESS but not 409 DUPLICATE_ID', async () => {
    const a = scripted([refusal(409, 'IDEMPOTENCY_IN_PROGRESS'), json(200, transfer)]);
    await expect(client(a.fetch).transfers.create(body)).resolves.toEqual(transfer.data);
    expect(a.calls).toHaveLength(2);
    const b = scripted([refusal(409, 'DUPLICATE_ID', 'id'), json(200, transfer)]);
    const err = await client(b.fetch)
      .customers.create({} as never)
      .catch((e) => e);
    expect(err).toBeInstanceOf(LedgerlineError);
    expect(err).toMatchObject({ status: 409, code: 'DUPLICATE_ID', field: 'id', requestId: 'req_test' });
    expect(b.calls).toHaveLength(1);
  });

  it('does not retry a 400, nor a 422 IDEMPOTENCY_KEY_REUSED', async () => {
    for (const answer of [refusal(400, 'VALIDATION_ERROR', 'amount'), refusal(422, 'IDEMPOTENCY_KEY_REUSED')]) {
      const s = scripted([answer, json(200, transfer)]);
      await expect(client(s.fetch).transfers.create(body)).rejects.toBeInstanceOf(LedgerlineError);
      expect(s.calls).toHaveLength(1);
    }
  });

  it('gives up after maxRetries with a LedgerlineConnectionError', async () => {
    const s = scripted([new TypeError('fetch failed'), new TypeError('fetch failed'), new TypeError('fetch failed')]);
    const err = await client(s.fetch)
      .transfers.retrieve('trf_1')
      .catch((e) => e);
    expect(err).toBeInstanceOf(LedgerlineConnectionError);
    expect(err).toMatchObject({ status: 0, code: 'CONNECTION_ERROR' });
    expect(s.calls).toHaveLength(3);
  });

  it('keeps the caller’s idempotency key, sends none on GET, and acts for a client when asked', async () => {
    const s = scripted([json(200, transfer), json(200, transfer), json(200, transfer)]);
    const c = client(s.fetch);
    await c.transfers.accept('trf_1', { idempotencyKey: 'my-key-1' });
    await c.transfers.retrieve('trf_1');
    await c.actingFor('cli_other').transfers.cancel('trf_1');
    expect(s.calls.map((x) => [x.method, new URL(x.url).pathname, x.headers.get('x-l2f-idempotency-id') !== null])).toEqual([
      ['POST', '/v1/transfers/trf_1/accept', true],
      ['GET', '/v1/transfers/trf_1', false],
      ['POST', '/v1/transfers/trf_1/cancel', true],
    ]);
    expect(s.calls[0]?.headers.get('x-l2f-idempotency-id')).toBe('my-key-1');
    expect(s.calls[2]?.headers.get('x-l2f-client-id')).toBe('cli_other');
  });

  it('signs every attempt anew over <timestamp><METHOD><path as sent><body>, /api included', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const s = scripted([refusal(503, 'INTERNAL_ERROR'), json(200, transfer)]);
    const c = new Ledgerline({
      baseUrl: 'http://ledgerline.test/api/',
      clientId: 'id',
      clientSecret: 'secret',
      fetch: s.fetch,
      privateKey,
      maxRetries: 2,
    });
    await c.transfers.create(body);
    expect(s.calls.map((x) => new URL(x.url).pathname)).toEqual(['/api/v1/transfers', '/api/v1/transfers']);
    const signatures = s.calls.map((x) => x.headers.get('x-signature'));
    expect(new Set(signatures).size).toBe(2); // a signature is accepted once: never resent
    for (const x of s.calls) {
      const message = Buffer.from(`${x.headers.get('x-timestamp')}POST/api/v1/transfers${x.body}`);
      expect(verify(null, message, publicKey, Buffer.from(x.headers.get('x-signature') as string, 'hex'))).toBe(true);
    }
  });
});
