/**
 * Read-only fields of each Layer2 create/update body, as the two documents mark them (`readOnly`
 * in the request schema), plus Ledgerline's own timestamps. CONTRACT §2: a client may send back an
 * object it received; these fields are accepted and ignored. The plugin adds them to the route's
 * body schema as `readOnly` properties (so /openapi.json shows them), and normalize.ts drops them
 * before validation. A field the route already takes as input keeps its meaning.
 */
const OWN = ['created_at', 'updated_at'];

export const READ_ONLY_FIELDS: Record<string, string[]> = {
  'POST /v1/applications': ['id', 'status', 'customer_details.individuals', ...OWN],
  'POST /v1/applications/{}/individual': ['id', ...OWN],
  'POST /v1/customers': ['status', 'individuals', 'accounts', ...OWN],
  'POST /v1/customers/{}/individuals': ['id', ...OWN],
  'POST /v1/customers/{}/payor': [...OWN],
  'POST /v1/accounts/deposits': [...OWN],
  'POST /v1/accounts/payments': [...OWN],
  'POST /v1/counterparties': [
    'id',
    'status',
    'intermediary_information.asset_type_id',
    'account_information.account_name',
    'account_information.abbreviated_account_number',
    ...OWN,
  ],
  'POST /v1/counterparties/{}/link/details': ['mx_widget_url'],
  'POST /v1/counterparties/{}/link/accounts': ['available_accounts'],
  'POST /v1/deposits': [
    'id',
    'status',
    'created_timestamp',
    'customer_name',
    'deposit_destination.asset_type_id',
    'deposit_source.asset_type_id',
    'deposit_source.deposit_instructions',
    ...OWN,
  ],
  'POST /v1/withdrawals': ['id', 'status', 'created_timestamp', ...OWN],
  'POST /v1/transfers': ['id', 'status', 'created_timestamp', 'valid_until', ...OWN],
  'POST /v1/exchanges/quote': ['id', 'status', 'created_timestamp', ...OWN],
  'POST /v1/exchanges/market': ['id', 'status', 'created_timestamp', ...OWN],
  'POST /v1/payments': ['id', 'status', 'payment_source.deposit_instructions', ...OWN],
  'POST /v1/subscriptions': ['id', 'signature_verification_key', ...OWN],
};

type Schema = Record<string, any>;
const DESCRIPTION = 'Read-only: accepted and ignored, so an object received can be sent back.';

/** A copy of `schema` where the dotted `path` is a read-only property of every object branch. */
export function withReadOnly(schema: Schema, path: string[], depth = 0): Schema {
  if (!schema || typeof schema !== 'object' || depth > 8 || !path.length) return schema;
  const out: Schema = { ...schema };
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[k])) out[k] = schema[k].map((b: Schema) => withReadOnly(b, path, depth + 1));
  }
  if (schema.properties || schema.type === 'object') {
    const [head, ...rest] = path as [string, ...string[]];
    const props: Schema = { ...(schema.properties ?? {}) };
    if (!rest.length) {
      if (!props[head]) props[head] = { readOnly: true, description: DESCRIPTION };
    } else if (props[head]) {
      props[head] = withReadOnly(props[head], rest, depth + 1);
    }
    out.properties = props;
  }
  return out;
}
