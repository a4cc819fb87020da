/** OAuth2 scopes (LAYER2_API.md §1.2) plus `admin`, the operator's. */
export const TENANT_SCOPES = [
  'customers:read',
  'customers:write',
  'accounts:read',
  'accounts:write',
  'applications:read',
  'applications:write',
  'deposits:read',
  'deposits:write',
  'withdrawals:read',
  'withdrawals:write',
  'transfers:read',
  'transfers:write',
  'exchanges:read',
  'exchanges:write',
  'settlements:read',
  'subscriptions:read',
  'subscriptions:write',
  'adjustments:read',
  'adjustments:write',
  'payments:read',
  'payments:write',
  'cards:read',
  'cards:write',
] as const;

/**
 * Tenant scopes no client holds by default: the operator grants them (`PATCH /v1/admin/clients/{id}`
 * `scopes`). `customers:sensitive` answers tax reference and passport numbers in clear,
 * `cards:sensitive` reads card numbers (CONTRACT §13, §17).
 */
export const GRANTED_SCOPES = ['customers:sensitive', 'cards:sensitive'] as const;

export const ADMIN_SCOPE = 'admin' as const;
export const ALL_SCOPES = [...TENANT_SCOPES, ...GRANTED_SCOPES, ADMIN_SCOPE] as const;
export type Scope = (typeof ALL_SCOPES)[number];

export function isScope(s: string): s is Scope {
  return (ALL_SCOPES as readonly string[]).includes(s);
}
