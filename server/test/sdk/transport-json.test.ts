/**
 * What the SDK asks for and what it does with an answer of the wrong type, against a scripted
 * fetch: JSON calls say `Accept: application/json`; a file answered to a JSON call is a typed
 * LedgerlineError (never a raw SyntaxError); file helpers ask for the file and hand its bytes
 * over; a list answering page style only is followed by its `links.next`.
 */
import { Ledgerline, LedgerlineError } from '@ledgerline/sdk';
import { describe, expect, it } from 'vitest';

interface Call {
  url: string;
  accept: string | null;
}

const PDF = new TextEncoder().encode('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n');
const pdf = () => new Response(PDF, { status: 200, headers: { 'content-type': 'application/pdf', 'x-l2f-request-id': 'req_pdf' } });
const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** A server that answers like the receipt route: the PDF unless the request accepts JSON only. */
function server(answer: (url: URL, accept: string) => Response) {
  const calls: Call[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    if (url.pathname.endsWith('/oauth2/token')) return json({ token_type: 'Bearer', access_token: 'tok', expires_in: 900, scope: '' });
    const accept = new Headers(init?.headers).get('accept');
    calls.push({ url: url.pathname + url.search, accept });
    return answer(url, accept ?? '*/*');
  };
  return { calls, client: new Ledgerline({ baseUrl: 'http://api.test', clientId: 'c', clientSecret: 's', fetch, maxRetries: 0 }) };
}

const receiptRoute = (_url: URL, accept: string) =>
  accept.includes('application/json') && !accept.includes('application/pdf')
    ? json({ data: { withdrawal_id: 'w1', status: 'EXECUTED', amount: 12.5 } })
    : pdf();

describe('JSON calls and files', () => {
  it('asks for JSON on every JSON call: the receipt comes back as data (resource, api.GET, request)', async () => {
    const { calls, client } = server(receiptRoute);
    const receipt = await client.withdrawals.receipt('w1');
    expect(receipt).toEqual({ withdrawal_id: 'w1', status: 'EXECUTED', amount: '12.5' });
    const viaGet = await client.api.GET('/v1/withdrawals/{withdrawal_id}/receipt', { params: { path: { withdrawal_id: 'w1' } } });
    expect(viaGet.data?.data.status).toBe('EXECUTED');
    const viaRequest = await client.request<{ data: { status: string } }>('get', '/v1/withdrawals/w1/receipt');
    expect(viaRequest.data.status).toBe('EXECUTED');
    expect(calls.map((c) => c.accept)).toEqual(['application/json', 'application/json', 'application/json']);
  });

  it('turns a file answered to a JSON call into a LedgerlineError, not a SyntaxError', async () => {
    const { client } = server(() => pdf());
    const caught: unknown[] = [];
    await client.withdrawals.receipt('w1').catch((e) => caught.push(e));
    await client.api
      .GET('/v1/withdrawals/{withdrawal_id}/receipt', { params: { path: { withdrawal_id: 'w1' } } })
      .catch((e) => caught.push(e));
    await client.request('get', '/v1/withdrawals/w1/receipt').catch((e) => caught.push(e));
    expect(caught).toHaveLength(3);
    for (const err of caught) {
      expect(err).toBeInstanceOf(LedgerlineError);
      expect(err).toMatchObject({ status: 200, code: 'UNEXPECTED_CONTENT_TYPE', requestId: 'req_pdf' });
      expect((err as Error).message).toContain('application/pdf');
    }
  });

  it('asks for the PDF by type and hands its bytes over (receiptPdf, statementPdf, documents.download)', async () => {
    const { calls, client } = server(() => pdf());
    const blobs = [
      await client.withdrawals.receiptPdf('w1'),
      await client.accounts.deposits.statementPdf('a1', 'stmt_2031_05'),
      await client.accounts.payments.statementPdf('p1', 'stmt_2031_05'),
      await client.documents.download('doc_1'),
    ];
    for (const blob of blobs) expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PDF);
    expect(calls).toEqual([
      { url: '/v1/withdrawals/w1/receipt', accept: 'application/pdf' },
      { url: '/v1/accounts/deposits/a1/statements/stmt_2031_05', accept: 'application/pdf' },
      { url: '/v1/accounts/payments/p1/statements/stmt_2031_05', accept: 'application/pdf' },
      { url: '/v1/documents/doc_1/download', accept: '*/*' },
    ]);
  });
});

describe('a list that answers page style only', () => {
  it('is followed by links.next while has_more holds (a cursor-style limit gives way to the link’s page_size)', async () => {
    const months = Array.from({ length: 5 }, (_, i) => ({ id: `stmt_2031_${String(12 - i).padStart(2, '0')}` }));
    const { calls, client } = server((url) => {
      const page = Number(url.searchParams.get('page') ?? 0);
      const size = Number(url.searchParams.get('page_size') ?? 2);
      const hasMore = (page + 1) * size < months.length;
      const link = (p: number) => `/api${url.pathname}?page=${p}&page_size=${size}`;
      return json({
        data: { statements: months.slice(page * size, (page + 1) * size) },
        links: { self: link(page), first: link(0), prev: link(0), next: hasMore ? link(page + 1) : link(page), last: link(2) },
        pagination: { has_more: hasMore, next_cursor: null },
      });
    });
    const ids: string[] = [];
    for await (const s of client.paginate('/v1/accounts/deposits/{account_id}/statements', { path: { account_id: 'a1' }, limit: 2 }))
      ids.push(s.id);
    expect(ids).toEqual(months.map((m) => m.id));
    expect(calls.map((c) => c.url)).toEqual([
      '/v1/accounts/deposits/a1/statements?limit=2',
      '/v1/accounts/deposits/a1/statements?page=1&page_size=2',
      '/v1/accounts/deposits/a1/statements?page=2&page_size=2',
    ]);
  });
});
