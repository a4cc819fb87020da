/**
 * API versions, as Stripe does them: each client has one (the operator sets it, PATCH
 * /v1/admin/clients/{id} `api_version`), a request may ask for another with `x-l2f-api-version`,
 * and responses are shaped for it where the published Layer2 documents differ. One internal
 * model; one mapping per version (docs/versions.md).
 */
export const API_VERSIONS = ['1.0.5', '1.1.2'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const DEFAULT_API_VERSION: ApiVersion = '1.1.2';
export const VERSION_HEADER = 'x-l2f-api-version';

export const isApiVersion = (v: unknown): v is ApiVersion => typeof v === 'string' && (API_VERSIONS as readonly string[]).includes(v);
