import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import { type Database, sqlLiteral as lit, pgErrorCode, type TxSession } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import type { Context, WriteContext } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { asAppError } from './errors.plugin.js';
import type { SecretBox } from './vault/index.js';

/**
 * One unit of work per mutating request (docs/adr/0005). Every authenticated POST, PATCH, PUT and
 * DELETE runs in ONE database transaction holding together:
 *  - the idempotency key's claim (a transaction-scoped advisory lock: "still running" without a
 *    commit of its own) and its stored response, written before COMMIT;
 *  - the record that the request's signature was used;
 *  - the use case's state change, its history and its events.
 * A crash at any instant leaves either nothing (a retry runs it) or everything (a retry replays the
 * stored response byte for byte). Nothing outside the transaction decides the outcome.
 *
 * A route may declare a pre-phase (`beforeUnit`): slow outside work, such as asking a client's
 * card authorization webhook, run on the pool before the transaction opens and never for a key
 * that already has its answer. Its result is advice the unit re-checks under its own locks, so
 * no lock is held while waiting on the outside world.
 *
 * Refusals (4xx) are answered from inside the same transaction: the use case's writes roll back to
 * a savepoint, the signature use and the stored refusal commit. Deadlocks and serialization
 * failures re-run the whole unit. Reads get a context on the pool; handlers get theirs through
 * `readContext(request)` / `writeContext(request)`.
 */
const KEY_HEADER = 'x-l2f-idempotency-id';
const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const ATTEMPTS = 5;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: a mutating route that manages its own transactions (none today but the token route). */
    unitOfWork?: false;
    /**
     * A read the route's use case needs, sent with BEGIN in the unit's first round trip (literal
     * SQL, see sqlLiteral; only for a request that passed validation). Its rows are ctx.prefetched.
     */
    prefetch?: (request: FastifyRequest) => string | undefined;
    /**
     * The answer may hold a secret (a client secret, a private key, personal identifiers): its
     * stored copy for idempotent replays is sealed by the vault (CONTRACT §17) and opened on replay.
     */
    sealStoredResponse?: true;
    /**
     * Slow work outside any transaction (e.g. an HTTP call to the client) run before the unit
     * opens, with a read context on the pool. Skipped when the request's idempotency key already
     * has a stored response (the unit replays it) or the request failed validation. Its result is
     * advice the handler reads in `request.prepared` and must re-check under its locks; a refusal
     * (AppError) it throws is dropped, for the unit to answer (and store) itself.
     */
    beforeUnit?: (request: FastifyRequest) => Promise<unknown>;
  }
  interface FastifyRequest {
    ctx: Context | undefined;
    /** What the route's beforeUnit returned (undefined when it did not run). */
    prepared: unknown;
  }
}

/** The context of a read-only request (the pool). */
export function readContext(request: FastifyRequest): Context {
  if (!request.ctx) throw new Error(`${request.method} ${request.routeOptions.url} has no request context (no auth?)`);
  return request.ctx;
}

/** The context of a mutating request: inside its unit of work. */
export function writeContext(request: FastifyRequest): WriteContext {
  const ctx = request.ctx as WriteContext | undefined;
  if (!ctx?.tx) throw new Error(`${request.method} ${request.routeOptions.url} does not run in a unit of work`);
  return ctx;
}

export interface UnitOfWorkOptions {
  database: Database;
  /** Business time before the tenant's sandbox offset (real time, or a test's manual clock). */
  baseNow: () => Date;
  /** Real time: idempotency keys expire in it, whatever a sandbox clock says. */
  realNow: () => Date;
  ttlDays: number;
  /** Seals the stored answers of routes marked `sealStoredResponse`. */
  box: SecretBox;
  /**
   * Test aid (never honoured in production): a regular expression on the request URL; a matching
   * request kills this process with SIGKILL right after its COMMIT, before any byte of the response.
   */
  crashAfterCommit?: RegExp | undefined;
}

interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

interface Outcome extends StoredResponse {
  replay: boolean;
  headers: Record<string, string>;
}

/** The request's identity for idempotency: method, path (without /api), tenant and exact body. */
function fingerprint(request: FastifyRequest, tenantId: string): string {
  const path = request.url.replace(/^\/api(?=\/)/, '');
  return createHash('sha256')
    .update(`${request.method}\n${path}\n${tenantId}\n`)
    .update(request.rawBody ?? Buffer.alloc(0))
    .digest('hex');
}

/** A 64-bit advisory lock key for (client, idempotency key). */
function lockKey(clientId: string, key: string): string {
  return createHash('sha256').update(`${clientId}\n${key}`).digest().readBigInt64BE(0).toString();
}

function idempotencyKey(request: FastifyRequest): string | undefined {
  const key = request.headers[KEY_HEADER];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError('VALIDATION_ERROR', `${KEY_HEADER} must be 1-255 printable ASCII characters.`, KEY_HEADER);
  }
  return key;
}

/** Thrown inside a unit to leave it (rolled back) with the stored response of its key. */
const REPLAY = Symbol('replay');

const inProgress = () =>
  new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this idempotency key is still being processed.', KEY_HEADER);
const reused = () => new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different request.', KEY_HEADER);

interface KeyRow {
  locked: boolean;
  fingerprint: string | null;
  response_status: number | null;
  response_body: string | null;
  response_content_type: string | null;
  expired: boolean | null;
}

/**
 * The claim of (client, key) for this transaction, sent with BEGIN: the advisory lock says
 * "running"; a stored row says "done" (replay it, or 422 for another request).
 */
const claimSql = (clientId: string, key: string, now: Date) =>
  `SELECT l.locked, k.fingerprint, k.response_status, k.response_body, k.response_content_type,
          (k.expires_at IS NOT NULL AND k.expires_at <= ${lit(now.toISOString())}::timestamptz) AS expired
     FROM (SELECT pg_try_advisory_xact_lock(${lit(lockKey(clientId, key))}::bigint) AS locked) l
     LEFT JOIN idempotency_keys k ON k.client_id = ${lit(clientId)} AND k.key = ${lit(key)}`;

/** The encryption context of a stored answer: bound to its client, key and request. */
const storedContext = (clientId: string, key: string, fp: string) => `idempotency_keys.response_body:${clientId}:${key}:${fp}`;

/** Reads the claim's row. An expired stored row is dropped: the key is new again. */
async function claimed(
  s: TxSession,
  row: KeyRow | undefined,
  clientId: string,
  key: string,
  fp: string,
  box: SecretBox,
): Promise<StoredResponse | undefined> {
  if (!row?.locked) throw inProgress();
  if (row.fingerprint === null) return undefined;
  if (row.expired) {
    await s.query('DELETE FROM idempotency_keys WHERE client_id = $1 AND key = $2', [clientId, key]);
    return undefined;
  }
  if (row.fingerprint !== fp) throw reused();
  const body = row.response_body ?? '';
  return {
    status: row.response_status ?? 200,
    body: box.isEncrypted(body) ? box.decrypt(body, storedContext(clientId, key, fp)) : body,
    contentType: row.response_content_type ?? 'application/json; charset=utf-8',
  };
}

export const unitOfWorkPlugin = fp<UnitOfWorkOptions>(
  async (app: FastifyInstance, opts) => {
    const { database } = opts;
    app.decorateRequest('ctx', undefined);
    app.decorateRequest('prepared', undefined);

    const businessNow = (request: FastifyRequest) => new Date(opts.baseNow().getTime() + request.auth.tenant.sandboxClockOffsetMs);

    // Read-only requests: a context on the pool, at the tenant's business time.
    app.addHook('preHandler', async (request) => {
      const { config } = request.routeOptions;
      if (!config.auth || (MUTATING.has(request.method) && config.unitOfWork !== false)) return;
      request.ctx = { ...request.auth, now: businessNow(request), db: database.db, requestId: request.id };
    });

    /** The stored response, sent with COMMIT. */
    function storeSql(clientId: string, key: string, fp: string, out: StoredResponse, seal: boolean): string {
      const created = opts.realNow();
      const body = seal ? opts.box.encrypt(out.body, storedContext(clientId, key, fp)) : out.body;
      const expires = opts.ttlDays > 0 ? new Date(created.getTime() + opts.ttlDays * 86_400_000).toISOString() : null;
      return `INSERT INTO idempotency_keys (client_id, key, fingerprint, response_status, response_body, response_content_type, created_at, expires_at)
        VALUES (${lit(clientId)}, ${lit(key)}, ${lit(fp)}, ${lit(out.status)}, ${lit(body)}, ${lit(out.contentType)},
                ${lit(created.toISOString())}, ${lit(expires)})`;
    }

    /** The signature's use, sent with BEGIN: no row back means it was used before. */
    const signatureSql = (clientId: string, use: { digest: string; expiresAt: Date }) =>
      `INSERT INTO signature_uses (client_id, digest, expires_at)
       VALUES (${lit(clientId)}, ${lit(use.digest)}, ${lit(use.expiresAt.toISOString())}) ON CONFLICT DO NOTHING RETURNING digest`;

    async function runOnce(request: FastifyRequest, reply: FastifyReply, handler: RouteHandlerMethod, now: Date): Promise<Outcome> {
      const clientId = request.auth.caller.id;
      const key = idempotencyKey(request);
      const fp = key ? fingerprint(request, request.auth.tenantId) : '';
      const signature = request.signatureUse;
      // Refusals keep what precedes the savepoint (the signature use) and store their answer.
      const guarded = key !== undefined || signature !== undefined;
      // The claim, the signature use and the savepoint travel with BEGIN: one round trip.
      const prefetch = request.validationError ? undefined : request.routeOptions.config.prefetch?.(request);
      const opening = [
        ...(key ? [claimSql(clientId, key, opts.realNow())] : []),
        ...(signature ? [signatureSql(clientId, signature)] : []),
        ...(prefetch ? [prefetch] : []),
        ...(guarded ? ['SAVEPOINT unit_of_work'] : []),
      ];
      let stored: StoredResponse | undefined;
      const outcome = await database
        .transaction(
          async (s) => {
            let at = 0;
            if (key) {
              stored = await claimed(s, s.opening[at++]?.[0] as KeyRow | undefined, clientId, key, fp, opts.box);
              // A replay writes nothing: the transaction rolls back (see below).
              if (stored) throw REPLAY;
            }
            if (signature && !s.opening[at++]?.length) {
              throw new AppError('SIGNATURE_INVALID', 'This signature was already used: sign each request anew.', 'x-signature');
            }
            const prefetched = prefetch ? (s.opening[at++] ?? []) : undefined;
            // Writes the use case sends with COMMIT (dropped with the rest when it refuses).
            const atCommit: string[] = [];
            const ctx: WriteContext = {
              ...request.auth,
              now,
              db: s.tx,
              tx: s.tx,
              requestId: request.id,
              prefetched,
              atCommit: (statement) => atCommit.push(statement),
            };
            request.ctx = ctx;
            let out: Outcome;
            try {
              // Schema refusals are answers too (CONTRACT §7 stores every non-5xx): raised in the unit.
              if (request.validationError) throw request.validationError;
              reply.code(200);
              const result = await handler.call(app, request, reply);
              out = {
                status: reply.statusCode,
                body: reply.serialize(result) as string,
                contentType: 'application/json; charset=utf-8',
                replay: false,
                headers: {},
              };
            } catch (err) {
              const refusal = asAppError(err);
              if (!refusal || refusal.status >= 500 || RETRYABLE.has(pgErrorCode(err) ?? '')) throw err;
              if (!guarded && !refusal.keepChanges) throw refusal;
              if (!refusal.keepChanges) {
                await s.query('ROLLBACK TO SAVEPOINT unit_of_work');
                atCommit.length = 0;
              }
              out = {
                status: refusal.status,
                body: reply.serialize({ errors: refusal.entries }) as string,
                contentType: 'application/json; charset=utf-8',
                replay: false,
                headers: refusal.headers,
              };
            } finally {
              request.ctx = undefined;
            }
            if (key) atCommit.push(storeSql(clientId, key, fp, out, request.routeOptions.config.sealStoredResponse === true));
            if (atCommit.length) s.finishWith(atCommit.join(';\n'));
            return out;
          },
          { opening },
        )
        .catch((err) => {
          if (err === REPLAY && stored) return { ...stored, replay: true, headers: {} };
          throw err;
        });
      return outcome;
    }

    /** Does this request's idempotency key already hold a stored (unexpired) response? */
    async function hasStoredResponse(request: FastifyRequest): Promise<boolean> {
      const key = idempotencyKey(request);
      if (!key) return false;
      const rows = await queryRows(
        database.db,
        sql`SELECT 1 AS one FROM idempotency_keys WHERE client_id = ${request.auth.caller.id} AND key = ${key}
              AND (expires_at IS NULL OR expires_at > ${opts.realNow().toISOString()}::timestamptz)`,
      );
      return rows.length > 0;
    }

    /** The route's pre-phase (beforeUnit): outside any transaction, before the unit opens. */
    async function prepare(request: FastifyRequest, now: Date): Promise<void> {
      const before = request.routeOptions.config.beforeUnit;
      if (!before || request.validationError) return;
      try {
        if (await hasStoredResponse(request)) return;
      } catch (err) {
        if (err instanceof AppError) return; // a malformed key: the unit refuses it
        throw err;
      }
      request.ctx = { ...request.auth, now, db: database.db, requestId: request.id };
      try {
        request.prepared = await before(request);
      } catch (err) {
        if (!asAppError(err)) throw err;
      } finally {
        request.ctx = undefined;
      }
    }

    async function run(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, handler: RouteHandlerMethod) {
      const now = businessNow(request);
      await prepare(request, now);
      for (let attempt = 1; ; attempt++) {
        let out: Outcome;
        try {
          out = await runOnce(request, reply, handler, now);
        } catch (err) {
          const code = pgErrorCode(err);
          // A deadlock or serialization failure re-runs the unit. A unique violation on the key
          // itself means another process finished the same key first: the re-run replays it.
          const again = (code && RETRYABLE.has(code)) || (code === '23505' && /idempotency_keys/.test(String(err)));
          if (again && attempt < ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
            continue;
          }
          throw err;
        }
        if (!out.replay && opts.crashAfterCommit?.test(request.url)) {
          writeSync(2, `LEDGERLINE_CRASH_AFTER_COMMIT: killing this process after the commit of ${request.method} ${request.url}\n`);
          process.kill(process.pid, 'SIGKILL');
        }
        if (out.replay) reply.header('x-l2f-idempotent-replay', 'true');
        for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
        return reply.code(out.status).type(out.contentType).send(out.body);
      }
    }

    app.addHook('onRoute', (route) => {
      const methods = ([] as string[]).concat(route.method);
      if (!route.config?.auth || route.config.unitOfWork === false || !methods.some((m) => MUTATING.has(m))) return;
      const handler = route.handler;
      route.attachValidation = true;
      route.handler = function unitOfWork(this: FastifyInstance, request, reply) {
        return run.call(this, request, reply, handler);
      };
    });
  },
  { name: 'unit-of-work', dependencies: ['auth'] },
);

/** Housekeeping: drop stored responses past their TTL. */
export async function purgeExpiredIdempotencyKeys(database: Database, now: Date): Promise<void> {
  await database.transaction((s) =>
    s.query('DELETE FROM idempotency_keys WHERE expires_at IS NOT NULL AND expires_at < $1', [now.toISOString()]),
  );
}
