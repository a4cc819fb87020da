// Token refresh across expiry. The server runs on a clock the test moves (CONTROL_URL/advance);
// this process moves its own clock by patching Date.now.
import { Ledgerline } from '@ledgerline/sdk';

const realNow = Date.now;
let offsetMs = 0;
Date.now = () => realNow() + offsetMs;

const seen = [];
const spy = async (input, init) => {
  const res = await fetch(input, init);
  seen.push({ url: String(input), status: res.status });
  return res;
};
const advanceServer = (s) => fetch(`${process.env.CONTROL_URL}/advance?seconds=${s}`, { method: 'POST' });
const client = new Ledgerline({
  baseUrl: process.env.BASE_URL,
  clientId: process.env.CLIENT_ID,
  clientSecret: process.env.CLIENT_SECRET,
  fetch: spy,
});
const summary = () => ({
  tokens: client.tokensFetched,
  tokenRequests: seen.filter((s) => s.url.endsWith('/oauth2/token')).length,
  refused: seen.filter((s) => s.status === 401).length,
});

await client.customers.list({ limit: 1 });
const first = summary();
// Only the server's clock passes the token's expiry (TTL 60 s): the server refuses it
// (401 TOKEN_EXPIRED), the SDK fetches a new token and sends the request again.
await advanceServer(61);
const afterServerExpiry = await client.customers.list({ limit: 1 });
const reactive = summary();
// Both clocks pass the second token's expiry: the SDK refreshes before sending; no refusal.
await advanceServer(61);
offsetMs += 61_000;
await client.customers.list({ limit: 1 });
const proactive = summary();
console.log(JSON.stringify({ first, reactive, proactive, listed: Array.isArray(afterServerExpiry.data) }));
