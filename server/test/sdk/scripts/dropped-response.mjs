// A POST whose response is lost (the proxy in BASE_URL drops it) is retried with the same
// idempotency key and takes effect once; a 429 is retried after its Retry-After.
import { Ledgerline } from '@ledgerline/sdk';

const client = new Ledgerline({ baseUrl: process.env.BASE_URL, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET });
const transfer = await client.transfers.create({
  source_account_id: process.env.SOURCE,
  destination_account_id: process.env.DESTINATION,
  amount: '1.50',
});
const listed = [];
for await (const t of client.transfers.list({ limit: 100 })) listed.push(t.id);
console.log(JSON.stringify({ id: transfer.id, status: transfer.status, listed }));
