// `for await` over a list walks every page (cursor style, `limit` per page).
import { Ledgerline } from '@ledgerline/sdk';

const pages = [];
const spy = async (input, init) => {
  const url = new URL(String(input));
  if (url.pathname === '/v1/customers') pages.push(url.search);
  return fetch(input, init);
};
const client = new Ledgerline({
  baseUrl: process.env.BASE_URL,
  clientId: process.env.CLIENT_ID,
  clientSecret: process.env.CLIENT_SECRET,
  fetch: spy,
});
const ids = [];
for await (const customer of client.customers.list({ limit: 10 })) ids.push(customer.id);
const first = await client.customers.list({ limit: 10 });
console.log(
  JSON.stringify({ ids, pages, firstPage: { size: first.data.length, hasMore: first.hasMore, nextCursor: first.nextCursor !== null } }),
);
