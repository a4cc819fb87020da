/**
 * What the console (a browser tab) needs of the SDK, against a scripted fetch: credentials as form
 * fields (a refused HTTP Basic login would open the browser's password prompt), sign-in that
 * reports the token's scopes, sign-out that forgets token and secret, and the operator acting for
 * a client with x-l2f-client-id on every call of that view only.
 */
import { Ledgerline, LedgerlineError } from '@ledgerline/sdk';
import { describe, expect, it } from 'vitest';

interface Seen {
  url: string;
  headers: Headers;
  body: string;
}

function scripted() {
  const seen: Seen[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const body = typeof init?.body === 'string' ? init.body : init?.body ? new TextDecoder().decode(init.body as Uint8Array) : '';
    seen.push({ url, headers: new Headers(init?.headers), body });
    if (url.endsWith('/oauth2/token'))
      return Response.json({ token_type: 'Bearer', access_token: 'tok', expires_in: 900, scope: 'admin customers:read' });
    return Response.json({ data: { customers: [] }, pagination: { has_more: false, next_cursor: null } });
  };
  return { seen, fetch };
}

describe('the SDK in a browser tab', () => {
  it('sends the credentials as form fields with clientAuth "post", as HTTP Basic by default in Node', async () => {
    const post = scripted();
    const inTab = new Ledgerline({
      baseUrl: 'http://l.test',
      clientId: 'op',
      clientSecret: 's3cret',
      clientAuth: 'post',
      fetch: post.fetch,
    });
    expect(await inTab.authenticate()).toMatchObject({ scope: ['admin', 'customers:read'] });
    const form = new URLSearchParams(post.seen[0]?.body);
    expect([form.get('grant_type'), form.get('client_id'), form.get('client_secret')]).toEqual(['client_credentials', 'op', 's3cret']);
    expect(post.seen[0]?.headers.has('authorization')).toBe(false);

    const basic = scripted();
    await new Ledgerline({ baseUrl: 'http://l.test', clientId: 'op', clientSecret: 's3cret', fetch: basic.fetch }).authenticate();
    expect(basic.seen[0]?.headers.get('authorization')).toBe(`Basic ${btoa('op:s3cret')}`);
    expect(new URLSearchParams(basic.seen[0]?.body).has('client_secret')).toBe(false);
  });

  it('acts for a client on that view only, and signs out every view at once', async () => {
    const { seen, fetch } = scripted();
    const operator = new Ledgerline({ baseUrl: 'http://l.test', clientId: 'op', clientSecret: 's3cret', clientAuth: 'post', fetch });
    const acme = operator.actingFor('acme');
    expect([operator.actingForClient, acme.actingForClient]).toEqual([undefined, 'acme']);
    await acme.customers.list();
    await operator.customers.list();
    const calls = seen.filter((s) => s.url.includes('/v1/customers'));
    expect(calls.map((c) => c.headers.get('x-l2f-client-id'))).toEqual(['acme', null]);
    expect(calls.map((c) => c.headers.get('authorization'))).toEqual(['Bearer tok', 'Bearer tok']);
    expect(seen.filter((s) => s.url.endsWith('/oauth2/token'))).toHaveLength(1); // one token for both views

    operator.signOut();
    const before = seen.length;
    const refused = await acme.customers.list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(LedgerlineError);
    expect((refused as LedgerlineError).code).toBe('UNAUTHORIZED');
    expect(seen.length).toBe(before); // nothing sent: neither the token request nor the call
  });
});
