// Files (receipt and statement PDFs, an uploaded document) and lists without a cursor of their own
// (statements over many months) or without a resource before (transactions, via paginate).
import { Ledgerline, LedgerlineError } from '@ledgerline/sdk';

const env = process.env;
const seen = [];
const spy = async (input, init) => {
  const url = new URL(String(input));
  if (url.pathname.endsWith('/statements')) seen.push(url.search);
  return fetch(input, init);
};
const client = new Ledgerline({ baseUrl: env.BASE_URL, clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET, fetch: spy });
const head = async (blob) => new TextDecoder('latin1').decode(new Uint8Array(await blob.arrayBuffer()).slice(0, 5));
const caught = async (promise) => {
  try {
    await promise;
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      isLedgerlineError: err instanceof LedgerlineError,
      isSyntaxError: err instanceof SyntaxError,
      status: err.status,
      code: err.code,
    };
  }
};

// The withdrawal receipt: data, the PDF, and the raw routes.
const receipt = await client.withdrawals.receipt(env.WITHDRAWAL);
const receiptPdf = await client.withdrawals.receiptPdf(env.WITHDRAWAL);
const viaGet = await client.api.GET('/v1/withdrawals/{withdrawal_id}/receipt', { params: { path: { withdrawal_id: env.WITHDRAWAL } } });
const viaRequest = await client.request('get', `/v1/withdrawals/${env.WITHDRAWAL}/receipt`);
// A JSON call that lets the server choose the PDF gets a typed error, not a SyntaxError.
const mixed = await caught(
  client.request('get', `/v1/withdrawals/${env.WITHDRAWAL}/receipt`, {}, { headers: { accept: 'application/json, application/pdf' } }),
);

// Statements: every month, across pages (12 by default, then 5 per page).
const months = [];
for await (const s of client.accounts.deposits.statements(env.ACCOUNT)) months.push(s.id);
const defaultPages = seen.splice(0);
const byFive = [];
for await (const s of client.accounts.deposits.statements(env.ACCOUNT, { limit: 5 })) byFive.push(s.id);
const fivePages = seen.splice(0);
const oldest = months.at(-1);
const statement = await client.accounts.deposits.statement(env.ACCOUNT, oldest);
const statementPdf = await client.accounts.deposits.statementPdf(env.ACCOUNT, oldest);

// An uploaded document, byte for byte (an applicant's: another client).
const applicant = new Ledgerline({ baseUrl: env.BASE_URL, clientId: env.DOC_CLIENT_ID, clientSecret: env.DOC_CLIENT_SECRET });
const document = await applicant.documents.retrieve(env.DOCUMENT);
const download = await applicant.documents.download(env.DOCUMENT);
const downloaded = Buffer.from(await download.arrayBuffer()).toString('base64');

// Lists that had no iterable: the resource and paginate() walk the same items.
const transactions = [];
for await (const line of client.transactions.list({ limit: 2 })) transactions.push(line.id);
const paginated = [];
for await (const line of client.paginate('/v1/transactions', { limit: 2 })) paginated.push(line.id);
const ofAccount = await client
  .paginate('/v1/accounts/deposits/{account_id}/transactions', { path: { account_id: env.ACCOUNT }, limit: 1 })
  .toArray();

console.log(
  JSON.stringify({
    receipt: { status: receipt.status, amount: receipt.amount, withdrawal_id: receipt.withdrawal_id ?? receipt.id },
    receiptPdf: { head: await head(receiptPdf), type: receiptPdf.type, size: receiptPdf.size },
    viaGet: viaGet.data?.data?.status,
    viaRequest: viaRequest.data.status,
    mixed,
    months,
    defaultPages,
    byFive,
    fivePages,
    statement: { id: statement.id, account_id: statement.account_id, lines: statement.lines.length },
    statementPdf: { head: await head(statementPdf), type: statementPdf.type },
    document: { id: document.id, status: document.status },
    download: { type: download.type, base64: downloaded },
    transactions,
    paginated,
    ofAccount: ofAccount.map((l) => l.id),
  }),
);
