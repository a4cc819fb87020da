/**
 * The closed error catalogue (CONTRACT §2). Every error Ledgerline answers carries one of these
 * codes; the HTTP status is a property of the code, never chosen at the throw site.
 * docs/errors.md is generated from this table by `npm run docs:errors` (see test errors.test.ts
 * which keeps the two in step).
 */
export const ERROR_CATALOGUE = {
  VALIDATION_ERROR: { status: 400, description: 'The request is invalid: a field is missing, malformed or not allowed.' },
  INVALID_JSON: { status: 400, description: 'The request body is not valid JSON.' },
  INVALID_CUSTOMER_TYPE: {
    status: 400,
    description: 'The operation does not apply to this type of customer (e.g. individuals on an INDIVIDUAL customer).',
  },
  INVALID_STATUS_TRANSITION: { status: 400, description: 'The resource cannot move from its current status to the requested one.' },
  NOT_UPDATABLE: {
    status: 400,
    description: 'The resource cannot be updated in its current status (e.g. CLOSED), or the field is not updatable.',
  },
  NOT_TRANSACTABLE: { status: 400, description: 'A resource involved does not allow transactions in its current status.' },
  NON_ZERO_BALANCE: { status: 400, description: 'The resource still holds funds and cannot be closed.' },
  INSUFFICIENT_FUNDS: { status: 400, description: 'The available balance does not cover the amount.' },
  ASSET_MISMATCH: { status: 400, description: 'The accounts or amounts involved are not of the same asset.' },
  AMOUNT_PRECISION: { status: 400, description: 'The amount has more decimals than the asset allows, or is zero, negative or not finite.' },
  CAPTURE_EXCEEDS_AUTHORIZATION: {
    status: 400,
    description: 'A card capture is more than 120% of what the authorization still holds (its amount less what was reversed).',
  },
  CARD_DECLINED: {
    status: 400,
    description:
      "A card authorization's increment is declined by the card's checks; the description begins with the decline reason (CARD_NOT_ACTIVE, DAILY_LIMIT, …).",
  },
  EXPIRED: { status: 400, description: 'The request is past its validity and can no longer be accepted.' },
  TIMESTAMP_OUT_OF_WINDOW: { status: 400, description: 'x-timestamp is too far from the server clock.' },
  UNAUTHORIZED: { status: 401, description: 'No valid access token was presented.' },
  TOKEN_EXPIRED: { status: 401, description: 'The access token has expired; request a new one.' },
  SIGNATURE_REQUIRED: { status: 401, description: 'This operation requires a request signature (x-signature, x-timestamp).' },
  SIGNATURE_INVALID: { status: 401, description: 'The request signature does not verify against any active key, or was already used.' },
  INSUFFICIENT_SCOPE: { status: 403, description: 'The access token lacks the scope this operation requires.' },
  FORBIDDEN: { status: 403, description: 'The client is not allowed to perform this operation.' },
  L2F_STATUS_RESERVED: {
    status: 403,
    description: 'The resource is in (or the change targets) a status reserved to the platform operator.',
  },
  NOT_FOUND: { status: 404, description: 'The resource does not exist.' },
  DUPLICATE_ID: { status: 409, description: 'A resource with this identifier already exists.' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, description: 'A request with this idempotency key is still being processed.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is larger than allowed.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The request Content-Type is not supported by this operation.' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'The idempotency key was already used with a different request.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; retry after the number of seconds in Retry-After.' },
  INTERNAL_ERROR: { status: 500, description: 'An internal error occurred. It has been logged with the request id.' },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The service is not ready (database unreachable or migrations pending).' },
  // Added by issue 10 (hostile input).
  REQUEST_TIMEOUT: { status: 408, description: 'The request was not received completely in time.' },
  URI_TOO_LONG: { status: 414, description: 'The URL, or a segment of its path, is longer than allowed.' },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: 'The request line and headers are larger than allowed (16 KB): a URL or header is too long.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export interface ErrorEntry {
  code: ErrorCode;
  description: string;
  field?: string;
}

/** The one error type of the application. Carries one or more catalogue entries. */
export class AppError extends Error {
  readonly entries: ErrorEntry[];
  readonly headers: Record<string, string>;
  /**
   * The refusal describes a change that stands (e.g. a quote found expired is now EXPIRED): the
   * request's unit of work commits its writes and answers this error.
   */
  keepChanges = false;

  constructor(code: ErrorCode, description?: string, field?: string, headers: Record<string, string> = {}) {
    const entry: ErrorEntry = { code, description: description ?? ERROR_CATALOGUE[code].description };
    if (field !== undefined) entry.field = field;
    super(entry.description);
    this.name = 'AppError';
    this.entries = [entry];
    this.headers = headers;
  }

  static many(entries: ErrorEntry[]): AppError {
    const first = entries[0];
    if (!first) throw new Error('AppError.many needs at least one entry');
    const err = new AppError(first.code, first.description, first.field);
    err.entries.splice(0, 1, ...entries);
    return err;
  }

  /** This refusal commits the writes made before it (see keepChanges). */
  keeping(): this {
    this.keepChanges = true;
    return this;
  }

  get code(): ErrorCode {
    return (this.entries[0] as ErrorEntry).code;
  }

  /** All entries of one request share one HTTP status: the highest (most severe) among them. */
  get status(): number {
    return Math.max(...this.entries.map((e) => ERROR_CATALOGUE[e.code].status));
  }
}

export const notFound = (what: string, field?: string) => new AppError('NOT_FOUND', `${what} not found`, field);
export const validation = (field: string, description: string) => new AppError('VALIDATION_ERROR', description, field);
