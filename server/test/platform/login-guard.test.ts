/**
 * The token endpoint under attack (issue 10, point 3): limits per source address and per client
 * id with the standard headers, a lockout after repeated failed secrets, failed logins logged at
 * warn with the client id and the address (never the secret); log lines with level names, ISO
 * times and the client id.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, basic, getApp, makeApp, newTenant } from '../helpers.js';
import { manualClock } from './support.js';

const TOKEN_URL = '/oauth2/token?grant_type=client_credentials';

function tokenRequest(app: FastifyInstance, id: string, secret: string, address = '127.0.0.1') {
  return app.inject({ method: 'POST', url: TOKEN_URL, headers: { authorization: basic(id, secret) }, remoteAddress: address });
}

/** A writable stream keeping every JSON log line. */
function logSink(): { stream: Writable; lines: () => any[]; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('rate limits of /oauth2/token', () => {
  let limited: FastifyInstance;
  beforeAll(async () => {
    limited = await makeApp({ TOKEN_RATE_LIMIT_PER_ADDRESS: '3', TOKEN_RATE_LIMIT_PER_CLIENT: '2' });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('per source address: the 4th request in a minute is 429 slow_down, with the standard headers', async () => {
    // Tenants are made on the shared app: its operator's tokens do not count here.
    const shared = await getApp();
    const [a, b, c] = [await newTenant(shared), await newTenant(shared), await newTenant(shared)];
    const address = '10.20.0.1';
    const first = await tokenRequest(limited, a.clientId, a.secret, address);
    expect(first.statusCode).toBe(200);
    expect([first.headers['x-ratelimit-limit'], first.headers['x-ratelimit-remaining']]).toEqual(['2', '1']); // the tighter limit: per client
    expect(first.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    expect((await tokenRequest(limited, b.clientId, b.secret, address)).statusCode).toBe(200);
    const third = await tokenRequest(limited, c.clientId, c.secret, address);
    expect(third.statusCode).toBe(200);
    expect(third.headers['x-ratelimit-remaining']).toBe('0');
    const fourth = await tokenRequest(limited, c.clientId, c.secret, address);
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json()).toEqual({
      error: 'slow_down',
      error_description: expect.stringMatching(/^Too many token requests: retry in \d+ seconds\.$/),
    });
    expect(Number(fourth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(fourth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(fourth.headers['x-ratelimit-remaining']).toBe('0');
    // Another address is not limited by this one.
    expect((await tokenRequest(limited, a.clientId, a.secret, '10.20.0.2')).statusCode).toBe(200);
  });

  it('per client id, across addresses: the 3rd request in a minute is refused before any secret is checked', async () => {
    const shared = await getApp();
    const t = await newTenant(shared);
    expect((await tokenRequest(limited, t.clientId, t.secret, '10.30.0.1')).statusCode).toBe(200);
    expect((await tokenRequest(limited, t.clientId, 'wrong-secret', '10.30.0.2')).statusCode).toBe(401);
    const third = await tokenRequest(limited, t.clientId, t.secret, '10.30.0.3');
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toBe('slow_down');
    const other = await newTenant(shared);
    expect((await tokenRequest(limited, other.clientId, other.secret, '10.30.0.4')).statusCode).toBe(200);
  });

  it('refusals are counted in /metrics', async () => {
    const text = (await limited.inject({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/^ledgerline_rate_limited_total\{limiter="token_address"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^ledgerline_rate_limited_total\{limiter="token_client"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });
});

describe('lockout after repeated failed secrets', () => {
  const clock = manualClock();
  let guarded: FastifyInstance;
  const logs = logSink();
  beforeAll(async () => {
    guarded = await makeApp(
      { TOKEN_LOCKOUT_FAILURES: '3', TOKEN_LOCKOUT_SECONDS: '120', LOG_LEVEL: 'trace' },
      { clock, logStream: logs.stream },
    );
  });
  afterAll(async () => {
    await guarded.close();
  });

  it('3 wrong secrets lock the client id: even the right one is refused (401 invalid_client, Retry-After) until the lockout ends', async () => {
    const t = await newTenant(guarded);
    for (let i = 0; i < 3; i++) {
      const res = await tokenRequest(guarded, t.clientId, `wrong-${i}`);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    }
    const locked = await tokenRequest(guarded, t.clientId, t.secret);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Too many failed authentications for this client: try again in 120 seconds.',
    });
    expect(locked.headers['retry-after']).toBe('120');
    expect(locked.headers['www-authenticate']).toBe('Basic realm="ledgerline"');
    clock.advance(60);
    expect((await tokenRequest(guarded, t.clientId, t.secret)).headers['retry-after']).toBe('60');
    clock.advance(61);
    expect((await tokenRequest(guarded, t.clientId, t.secret)).statusCode).toBe(200);
    // Another client was never locked.
    const other = await newTenant(guarded);
    expect((await tokenRequest(guarded, other.clientId, other.secret)).statusCode).toBe(200);
  });

  it('a success starts the count again: failures must come in a row', async () => {
    const t = await newTenant(guarded);
    for (const secret of ['bad-1', 'bad-2', t.secret, 'bad-3', 'bad-4']) await tokenRequest(guarded, t.clientId, secret);
    expect((await tokenRequest(guarded, t.clientId, t.secret)).statusCode).toBe(200);
  });

  it('an unknown client id locks the same way (no hint of which ids exist)', async () => {
    for (let i = 0; i < 3; i++) expect((await tokenRequest(guarded, 'cli_nobody_here', 'x')).statusCode).toBe(401);
    expect((await tokenRequest(guarded, 'cli_nobody_here', 'x')).json().error_description).toMatch(/^Too many failed/);
  });

  it('failed logins are logged at warn with the client id and the source address, never the secret', async () => {
    const t = await newTenant(guarded);
    const secret = 'a-very-wrong-secret-4242';
    await tokenRequest(guarded, t.clientId, secret, '10.40.0.7');
    // A secret sent in the query string is masked in the request line too.
    await guarded.inject({
      method: 'POST',
      url: `${TOKEN_URL}&client_id=${t.clientId}&client_secret=${secret}-q`,
      remoteAddress: '10.40.0.7',
    });
    const warn = logs.lines().find((l) => l.msg === 'token request refused' && l.client_id === t.clientId);
    expect(warn).toMatchObject({ level: 'warn', client_id: t.clientId, source_address: '10.40.0.7', reason: 'bad_credentials' });
    expect(logs.text()).not.toContain(secret);
    expect(logs.text()).not.toContain(t.secret);
    expect(logs.text()).toContain('client_secret=[redacted]');
  });

  it('log lines carry level names, ISO times, and client_id once the caller is known', async () => {
    const t = await newTenant(guarded);
    const api = new Api(guarded, t.api.token, { 'x-l2f-request-id': `logs-${t.clientId}` });
    expect((await api.get('/v1/customers')).status).toBe(200);
    const lines = logs.lines().filter((l) => l.request_id === `logs-${t.clientId}`);
    expect(lines.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    for (const l of lines) {
      expect(l.level).toBe('info');
      expect(l.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    // Every line of the request names its client, the request line too (written once the caller is known).
    expect(lines[0]).toMatchObject({ client_id: t.clientId, req: { method: 'GET', url: '/v1/customers' } });
    expect(lines[1]).toMatchObject({ client_id: t.clientId, res: { statusCode: 200 } });
    // The operator acting for a client: both ids, on both lines.
    const op = new Api(guarded, t.operator.token, { 'x-l2f-client-id': t.clientId, 'x-l2f-request-id': `logs-op-${t.clientId}` });
    expect((await op.get('/v1/customers')).status).toBe(200);
    const opLines = logs.lines().filter((l) => l.request_id === `logs-op-${t.clientId}`);
    expect(opLines.map((l) => [l.msg, l.client_id, l.tenant_id])).toEqual([
      ['incoming request', 'test-operator', t.clientId],
      ['request completed', 'test-operator', t.clientId],
    ]);
    // A refused token, a public route, an unknown route: still one request line each, then the outcome.
    const refused = await guarded.inject({
      method: 'GET',
      url: '/v1/customers',
      headers: { authorization: 'Bearer not-a-token', 'x-l2f-request-id': `logs-401-${t.clientId}` },
    });
    expect(refused.statusCode).toBe(401);
    await guarded.inject({ method: 'GET', url: '/healthz', headers: { 'x-l2f-request-id': `logs-pub-${t.clientId}` } });
    await guarded.inject({ method: 'GET', url: '/v1/nowhere', headers: { 'x-l2f-request-id': `logs-404-${t.clientId}` } });
    for (const tag of ['401', 'pub', '404']) {
      const tagged = logs.lines().filter((l) => l.request_id === `logs-${tag}-${t.clientId}`);
      expect(
        tagged.map((l) => l.msg),
        tag,
      ).toEqual(['incoming request', 'request completed']);
      expect(tagged[0].client_id, tag).toBeUndefined();
    }
  });
});
