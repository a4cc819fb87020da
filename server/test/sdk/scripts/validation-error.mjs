// A refused request throws a typed LedgerlineError (status, code, field, requestId, errors[]).
import { Ledgerline, LedgerlineError } from '@ledgerline/sdk';

const client = new Ledgerline({ baseUrl: process.env.BASE_URL, clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET });
const describe = (err) => ({
  isLedgerlineError: err instanceof LedgerlineError,
  name: err.name,
  status: err.status,
  code: err.code,
  field: err.field,
  requestId: err.requestId,
  errors: err.errors,
  message: err.message,
});
const out = {};
try {
  await client.customers.create({
    id: 'bad-1',
    customer_type: 'INDIVIDUAL',
    first_name: 'Ada',
    last_name: 'Lovelace',
    date_of_birth: 'yesterday',
    colour: 'red',
  });
} catch (err) {
  out.validation = describe(err);
}
try {
  await client.customers.retrieve('no-such-customer');
} catch (err) {
  out.notFound = describe(err);
}
console.log(JSON.stringify(out));
