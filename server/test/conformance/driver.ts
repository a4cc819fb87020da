/**
 * Drives one operation of a Layer2 document through the real app and judges the answer against
 * that document: the request body is built from the operation's own request schema (and checked
 * valid under it before it is sent), the version is asked for with `x-l2f-api-version`, and the
 * response must be a status the operation declares, with a body valid under that response schema.
 */
import type { FastifyInstance } from 'fastify';
import { multipartBody } from '../onboarding/_multipart.js';
import { merge, type Operation, type Spec } from './spec.js';

type Json = Record<string, any>;

export interface Outcome {
  key: string;
  operationId: string;
  routed: boolean;
  conform: boolean;
  reasons: string[];
  calls: number;
}

export interface CallOptions {
  /** Values of the path's templates, in order (undefined: a prerequisite failed). */
  params?: (string | undefined)[];
  query?: Record<string, string | undefined>;
  /** Overrides merged into the body built from the request schema. */
  body?: Json;
  /** Send this body instead of one built from the schema (uploads). */
  raw?: { body: Buffer; contentType: string };
  /** Values from earlier steps the request needs (ids in the body): undefined = a prerequisite failed. */
  needs?: unknown[];
}

export interface Answer {
  status: number;
  body: any;
  raw: string;
  headers: Record<string, unknown>;
}

export class Driver {
  readonly outcomes = new Map<string, Outcome>();

  constructor(
    readonly app: FastifyInstance,
    readonly spec: Spec,
    readonly token: string,
    /** Property names only the other version's document has: none may reach this version's client. */
    readonly foreignNames: Set<string> = new Set(),
  ) {}

  /** Sends a request outside the judged operations (setup), in the same version. */
  async send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${this.token}`,
        'x-l2f-api-version': this.spec.version,
        ...(body !== undefined && !Buffer.isBuffer(body) && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { payload: Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, body: parsed, raw: res.body, headers: res.headers };
  }

  private record(op: Operation, routed: boolean, reason?: string): void {
    const o = this.outcomes.get(op.key) ?? { key: op.key, operationId: op.operationId, routed: true, conform: true, reasons: [], calls: 0 };
    o.calls++;
    if (!routed) o.routed = false;
    if (reason) {
      o.conform = false;
      if (!o.reasons.includes(reason)) o.reasons.push(reason);
    }
    this.outcomes.set(op.key, o);
  }

  /**
   * Calls the operation `key` of this document, if it has one, and records the verdict.
   * Returns the answer (undefined when the document lacks the operation or a prerequisite failed).
   */
  async call(key: string, opts: CallOptions = {}): Promise<Answer | undefined> {
    const op = this.spec.op(key);
    if (!op) return undefined;
    const params = opts.params ?? [];
    const templates = op.path.match(/\{[^}]+\}/g) ?? [];
    if (params.length !== templates.length || [...params, ...(opts.needs ?? [])].some((p) => p === undefined)) {
      this.record(op, true, 'not exercised: an earlier step it depends on failed');
      return undefined;
    }
    let i = 0;
    let url = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++] as string));
    const query = Object.entries(opts.query ?? {}).filter(([, v]) => v !== undefined) as [string, string][];
    if (query.length) url += `?${new URLSearchParams(query).toString()}`;

    let payload: unknown;
    const headers: Record<string, string> = {};
    if (opts.raw) {
      payload = opts.raw.body;
      headers['content-type'] = opts.raw.contentType;
    } else if (op.requestSchema && op.requestContentType === 'application/json') {
      payload = this.spec.sample(op.requestSchema, opts.body);
      const invalid = this.spec.errors(op.requestSchema, payload);
      if (invalid.length) {
        this.record(op, true, `harness: the body it built is not valid under ${this.spec.version}: ${invalid.join('; ')}`);
        return undefined;
      }
    } else if (opts.body) {
      payload = merge({}, opts.body);
    }
    const res = await this.send(op.method, url, payload, headers);
    const notRouted = res.status === 404 && /^No route /.test(res.body?.errors?.[0]?.description ?? '');
    if (notRouted) {
      this.record(op, false, 'not routed');
      return res;
    }
    this.record(op, true, this.judge(op, res));
    return res;
  }

  /** Why the answer does not conform, or undefined. */
  private judge(op: Operation, res: Answer): string | undefined {
    const declared = op.responses[String(res.status)];
    if (res.status !== 200) {
      const first = res.body?.errors?.[0];
      const why = first ? `${first.code}: ${first.description}` : res.raw.slice(0, 200);
      return `${res.status}${declared ? '' : ' (not a status it declares)'} for a request valid under ${this.spec.version}: ${why}`;
    }
    if (!declared) return '200 is not a status it declares';
    if (declared.contentType && declared.contentType !== 'application/json') {
      // A binary answer (receipts, downloads): bytes, not a JSON error.
      const type = String(res.headers['content-type'] ?? '');
      if (!res.raw.length) return 'an empty body where bytes are declared';
      if (type.startsWith('application/json')) return `JSON (${type}) where ${declared.contentType} is declared`;
      return undefined;
    }
    if (!declared.schema) return undefined;
    if (res.body === undefined) return 'a body that is not JSON';
    const errors = this.spec.errors(declared.schema, res.body);
    if (errors.length) return `response not valid under ${this.spec.version}: ${errors.join('; ')}`;
    const foreign = this.spec.undeclared(declared.schema, res.body, this.foreignNames);
    return foreign.length ? `keys only the other version's document has: ${foreign.slice(0, 8).join('; ')}` : undefined;
  }

  /** Multipart upload of `content` as the part `file`. */
  static multipart(content: Buffer, filename = 'document.pdf') {
    return multipartBody([{ name: 'file', filename, contentType: 'application/pdf', content }]);
  }

  /** Every operation of the document with its verdict; those never called are non-conforming. */
  verdicts(): Outcome[] {
    return this.spec.operations.map(
      (op) =>
        this.outcomes.get(op.key) ?? {
          key: op.key,
          operationId: op.operationId,
          routed: false,
          conform: false,
          reasons: ['not exercised by the harness'],
          calls: 0,
        },
    );
  }
}
