export { Ledgerline, type LedgerlineOptions, VERSION } from './client.js';
export { type ApiErrorEntry, LedgerlineConnectionError, LedgerlineError, WebhookVerificationError } from './errors.js';
export { EVENT_TYPES, type EventType } from './generated/event-types.js';
export type { Amount } from './generated/openapi.js';
export { isExactNumber, parseJson, stringifyBody } from './json.js';
export type { Page, PageRequest } from './pagination.js';
export { type KeyObjectLike, type PrivateKeyInput, publicKeyHex, publicKeyHexAsync, RequestSigner } from './signing.js';
export type { StreamedEvent, StreamOptions } from './streams.js';
export type { FetchLike } from './transport.js';
export type {
  components,
  ListItem,
  ListParams,
  ListPath,
  PaginateArgs,
  PaginateParams,
  Path,
  PathParams,
  paths,
  QueryParams,
  RequestBody,
  RequestOptions,
  ResponseBody,
  ResponseData,
} from './types.js';
export { type HeadersLike, type VerifyWebhookOptions, verifyWebhook, verifyWebhookAsync, type WebhookEvent } from './webhooks.js';
