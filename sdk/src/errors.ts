/** One problem, as the API reports it (CONTRACT §2). */
export interface ApiErrorEntry {
  code: string;
  description: string;
  field?: string;
}

/**
 * Every refusal of the API: `status`, the first problem's `code`, `field` and description, every
 * problem in `errors`, and the request id to quote to the operator.
 */
export class LedgerlineError extends Error {
  override readonly name: string = 'LedgerlineError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  readonly errors: ApiErrorEntry[];
  readonly headers: Headers | undefined;

  constructor(init: { status: number; errors: ApiErrorEntry[]; requestId?: string | undefined; headers?: Headers; cause?: unknown }) {
    const first = init.errors[0] ?? { code: 'UNKNOWN_ERROR', description: `HTTP ${init.status}` };
    super(`${init.status} ${first.code}: ${first.description}${first.field ? ` (${first.field})` : ''}`, { cause: init.cause });
    this.status = init.status;
    this.code = first.code;
    this.field = first.field;
    this.requestId = init.requestId;
    this.errors = init.errors;
    this.headers = init.headers;
  }
}

/** The server could not be reached, or stopped answering, after every retry. `status` is 0. */
export class LedgerlineConnectionError extends LedgerlineError {
  override readonly name = 'LedgerlineConnectionError';
  constructor(message: string, cause: unknown) {
    super({ status: 0, errors: [{ code: 'CONNECTION_ERROR', description: message }], cause });
  }
}

/** A webhook whose signature, timestamp or body does not hold: do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/** Builds the error of a non-2xx answer from its body (the API's envelope, or OAuth2's at /oauth2/token). */
export function errorFromResponse(response: Response, body: unknown): LedgerlineError {
  const requestId = response.headers.get('x-l2f-request-id') ?? undefined;
  let errors: ApiErrorEntry[] = [];
  if (body && typeof body === 'object') {
    const b = body as { errors?: unknown; error?: unknown; error_description?: unknown };
    if (Array.isArray(b.errors)) {
      errors = b.errors
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({
          code: String(e.code ?? 'UNKNOWN_ERROR'),
          description: String(e.description ?? ''),
          ...(typeof e.field === 'string' && { field: e.field }),
        }));
    } else if (typeof b.error === 'string') {
      errors = [{ code: b.error, description: String(b.error_description ?? b.error) }];
    }
  }
  if (!errors.length) {
    errors = [{ code: 'UNKNOWN_ERROR', description: typeof body === 'string' && body ? body.slice(0, 500) : `HTTP ${response.status}` }];
  }
  return new LedgerlineError({ status: response.status, errors, requestId, headers: response.headers });
}
