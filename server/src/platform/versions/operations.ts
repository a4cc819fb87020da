/**
 * The operations of Layer2's two published documents (LAYER2_API.md §5.1), keyed as
 * `METHOD /v1/path/{}/...` (templates as `{}`): 45 shared, 12 only in 1.0.5, 12 only in 1.1.2.
 * Every one is served in every version (CONTRACT: the union); the table says which document
 * describes it, and so which responses the version layer shapes.
 */
import type { ApiVersion } from './versions.js';

const BOTH: ApiVersion[] = ['1.0.5', '1.1.2'];
const V105: ApiVersion[] = ['1.0.5'];
const V112: ApiVersion[] = ['1.1.2'];

export const LAYER2_OPERATIONS: Record<string, ApiVersion[]> = {
  // Applications and documents
  'GET /v1/applications': V112,
  'POST /v1/applications': BOTH,
  'GET /v1/applications/{}': BOTH,
  'PATCH /v1/applications/{}': BOTH,
  'GET /v1/applications/{}/status': BOTH,
  'POST /v1/applications/{}/submit': BOTH,
  'POST /v1/applications/{}/accesscode': BOTH,
  'POST /v1/applications/{}/individual': BOTH,
  'PATCH /v1/applications/{}/individual/{}': BOTH,
  'DELETE /v1/applications/{}/individual/{}': BOTH,
  'POST /v1/documents/{}': BOTH,
  'GET /v1/documents/{}/download': BOTH,
  // Customers
  'GET /v1/customers': BOTH,
  'POST /v1/customers': V105,
  'GET /v1/customers/{}': BOTH,
  'PATCH /v1/customers/{}': BOTH,
  'POST /v1/customers/{}/individuals': V105,
  'GET /v1/customers/{}/individuals/{}': BOTH,
  'PATCH /v1/customers/{}/individuals/{}': BOTH,
  'POST /v1/customers/{}/payor': V105,
  // Accounts
  'GET /v1/accounts/deposits': BOTH,
  'POST /v1/accounts/deposits': BOTH,
  'GET /v1/accounts/deposits/{}': BOTH,
  'PATCH /v1/accounts/deposits/{}': BOTH,
  'POST /v1/accounts/deposits/{}/address': V105,
  'GET /v1/accounts/deposits/{}/transactions': BOTH,
  'GET /v1/accounts/deposits/{}/transactions/{}': BOTH,
  'GET /v1/accounts/deposits/{}/statements': V112,
  'GET /v1/accounts/deposits/{}/statements/{}': V112,
  'GET /v1/accounts/payments': V105,
  'POST /v1/accounts/payments': V105,
  'GET /v1/accounts/payments/{}': V105,
  'PATCH /v1/accounts/payments/{}': V105,
  'POST /v1/accounts/payments/{}/address': V105,
  'GET /v1/accounts/payments/{}/transactions': V105,
  'GET /v1/accounts/payments/{}/transactions/{}': V105,
  'GET /v1/transactions': V112,
  'GET /v1/transactions/{}': V112,
  // Counterparties
  'GET /v1/counterparties': BOTH,
  'POST /v1/counterparties': BOTH,
  'GET /v1/counterparties/{}': BOTH,
  'PATCH /v1/counterparties/{}': BOTH,
  'POST /v1/counterparties/{}/link/details': BOTH,
  'POST /v1/counterparties/{}/link/accounts': BOTH,
  'POST /v1/counterparties/{}/link/connect': BOTH,
  // Money movement
  'POST /v1/deposits': BOTH,
  'GET /v1/deposits/{}': BOTH,
  'POST /v1/deposits/{}/accept': BOTH,
  'POST /v1/withdrawals': BOTH,
  'GET /v1/withdrawals/{}': BOTH,
  'POST /v1/withdrawals/{}/accept': BOTH,
  'POST /v1/withdrawals/{}/cancel': V112,
  'GET /v1/withdrawals/{}/status': V112,
  'GET /v1/withdrawals/{}/receipt': V112,
  'POST /v1/transfers': BOTH,
  'GET /v1/transfers/{}': BOTH,
  'POST /v1/transfers/{}/accept': BOTH,
  'POST /v1/exchanges/quote': V105,
  'POST /v1/exchanges/market': BOTH,
  'GET /v1/exchanges/{}': BOTH,
  'POST /v1/exchanges/{}/accept': BOTH,
  'GET /v1/settlements/{}': BOTH,
  'POST /v1/payments': V112,
  'GET /v1/payments/{}': V112,
  'POST /v1/payments/{}/accept': V112,
  'GET /v1/payments/{}/status': V112,
  // Webhooks
  'GET /v1/subscriptions': BOTH,
  'POST /v1/subscriptions': BOTH,
  'DELETE /v1/subscriptions/{}': BOTH,
};

/** `GET`, `/api/v1/withdrawals/:withdrawal_id` -> `GET /v1/withdrawals/{}`. */
export function operationKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url
    .replace(/^\/api(?=\/v1\/)/, '')
    .replace(/\/:[^/]+/g, '/{}')
    .replace(/\/+$/, '')}`;
}
