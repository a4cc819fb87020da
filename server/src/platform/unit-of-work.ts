import { hash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import { type Database, sqlLiteral as lit, pgErrorCode, TransactionAbortedError, type TxSession } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { recordUsesSql } from '../modules/signing-keys/index.js';
import type { Context, WriteContext } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { extend } from '../shared/objects.js';
import { asAppError } from './errors.plugin.js';
import type { SecretBox } from './vault/index.js';
import { PERSONAL_FIELDS } from './vault/personal-data.js';

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
 * a savepoint, the signature use and the stored refusal commit.
 *
 * Group commit: a route may declare `coalesce`. Concurrent requests of that route by one caller
 * for one tenant then share one unit: one transaction, one statement claiming every key and
 * recording every signature use, the use case run once for all of them, one COMMIT carrying every
 * stored response. Each request keeps its own answers (replay, 409, 422, its refusal or result,
 * stored under its own key) exactly as alone; the group only saves round trips and commits, which
 * is where a transfer's time goes (docs/benchmarks.md). Should the group fail as a whole (a
 * deadlock, a key stored meanwhile by another process), nothing of it committed and each request
 * runs alone. Deadlocks and serialization failures re-run the whole unit. Reads get a context on
 * the pool; handlers get theirs through `readContext(request)` / `writeContext(request)`.
 *
 * Predicted writes (ctx.atCommitPredicted): a use case whose outcome is decided under locks it
 * would take last (an executing batch) may answer first and send that write with the stored answer
 * and COMMIT, so no server work runs while those locks are held. The write raises where the answer
 * would be wrong; then nothing committed, and the request runs once more without predictions.
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
    /**
     * Group commit (see above): `run` does the use case for every member of a group in one go —
     * per member, in order, its result (what the handler would return) or its refusal, which must
     * have written nothing unless it keeps its changes. `distinct` names what two members of one
     * group must not share (e.g. the transfer they accept); the route's handler stays the path of
     * a request that runs alone.
     */
    coalesce?: {
      run: (ctx: WriteContext, members: GroupMember[]) => Promise<Settled[]>;
      distinct?: (request: FastifyRequest) => string;
      /** The group's read in one statement (instead of each member's prefetch): every member gets all its rows. */
      prefetch?: (requests: FastifyRequest[]) => string;
      /**
       * The group's work, sent in its opening round trip with the claim instead of in a round trip
       * of its own (`run` then completes it from the rows): an SQL statement (literal SQL, see
       * sqlLiteral) given the group's requests in order, its business time and `runs`, an SQL
       * expression of a boolean[] saying for each request whether it runs (its key claimed and
       * free, its signature unused). For a request that does not run it must do nothing. Its rows
       * are every running member's `prefetched`; a member's items are at its `position`.
       */
      opening?: (group: { requests: FastifyRequest[]; now: Date; runs: string }) => string;
    };
  }
  interface FastifyRequest {
    ctx: Context | undefined;
    /** A grouped request's answer, which its handler returns (or throws) instead of running. */
    groupAnswer: Settled | undefined;
    /** What the route's beforeUnit returned (undefined when it did not run). */
    prepared: unknown;
  }
}

/** One request of a group (see `coalesce`): the request, and the rows of its route's prefetch. */
export interface GroupMember {
  request: FastifyRequest;
  prefetched: Record<string, unknown>[] | undefined;
  /** Its place in the group (0-based): the order of the requests handed to prefetch and opening. */
  position: number;
}

/** A group member's answer: what its handler would have returned, or its refusal. */
export type Settled = { value: unknown } | { refusal: AppError };

/** A use case's answers (value or refusal per item) as the Settled of a group, each value wrapped as its handler would. */
export function settleEach<T>(answers: (T | AppError)[], wrap: (value: T) => unknown): Settled[] {
  return answers.map((a) => (a instanceof AppError ? { refusal: a } : { value: wrap(a) }));
}

/**
 * Wraps the handler of each coalescing route, innermost (register before any other handler
 * wrapper, such as the versions layer): a grouped request's answer, computed for the whole group,
 * passes through the same wrappers as a handler's result, so its answer is shaped as if alone.
 */
export function registerGroupAnswers(app: FastifyInstance): void {
  app.decorateRequest('groupAnswer', undefined);
  app.addHook('onRoute', (route) => {
    if (!route.config?.coalesce) return;
    const handler = route.handler;
    route.handler = function grouped(this: FastifyInstance, request, reply) {
      const answer = request.groupAnswer;
      if (!answer) return handler.call(this, request, reply);
      if ('refusal' in answer) throw answer.refusal;
      return answer.value;
    };
  });
}

/** Members per group at most. */
const GROUP_MAX = 100;

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
  /** Groups of one route and caller that may run at once (GROUP_COMMIT); 0: no group commit. Default 1. */
  groupsInFlight?: number;
  /** Told of each group commit (a metric): the route ("POST /v1/...") and how many requests it carried. */
  onGroupCommit?: (route: string, size: number) => void;
}

interface StoredResponse {
  status: number;
  body: string;
  contentType: string;
}

interface Outcome extends StoredResponse {
  replay: boolean;
  headers: Record<string, string>;
  /** A group member answered without running (409, 422, a used signature): nothing of it committed. */
  unrun?: true;
}

/** A group member's place in the queue of its (route, caller, tenant). */
interface Member extends GroupMember {
  reply: FastifyReply;
  /** The route's handler chain under the unit (versions, then the grouped answer). */
  handler: RouteHandlerMethod;
  key: string | undefined;
  fp: string;
  settle: (out: Outcome | undefined) => void;
  fail: (err: unknown) => void;
}

/** The group's COMMIT was sent and its fate is unknown (the connection broke): nobody may re-run. */
class CommitUnknown extends Error {}

/** The request's identity for idempotency: method, path (without /api), tenant and exact body. */
function fingerprint(request: FastifyRequest, tenantId: string): string {
  const path = request.url.replace(/^\/api(?=\/)/, '');
  const head = `${request.method}\n${path}\n${tenantId}\n`;
  // One-shot hashes (crypto.hash): a Hash object per call cost three times as much (about 2% of the
  // server's samples under the transfer flow, with lockKey and the signature's digest).
  return hash('sha256', request.rawBody?.length ? Buffer.concat([Buffer.from(head), request.rawBody]) : head, 'hex');
}

/** A 64-bit advisory lock key for (client, idempotency key). */
function lockKey(clientId: string, key: string): string {
  return hash('sha256', `${clientId}\n${key}`, 'buffer').readBigInt64BE(0).toString();
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

/** A group member's claim (claimManySql). */
type ClaimRow = KeyRow & { signed: boolean; runs: boolean; work?: unknown };

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
  return storedOf(row, clientId, key, fp, box);
}

/** A stored answer as it was sent (opened, if sealed). */
function storedOf(row: KeyRow, clientId: string, key: string, fp: string, box: SecretBox): StoredResponse {
  const body = row.response_body ?? '';
  return {
    status: row.response_status ?? 200,
    body: box.isEncrypted(body) ? box.decrypt(body, storedContext(clientId, key, fp)) : body,
    contentType: row.response_content_type ?? 'application/json; charset=utf-8',
  };
}

/**
 * The claims of a group's members in one statement (their order): each key's advisory lock and
 * stored row as claimSql reads them, and each signature's use recorded only where the member will
 * run (its key claimed and free), as the one-request unit records it. `signed` false: used before.
 * `runs`: the member runs (claimed, free, its signature unused), as groupOnce decides it too. With
 * `work`, the group's work (coalesce.opening) follows in the same statement, given which run; its
 * rows come back as `work` (JSON) on the first row (once: on every row the client would parse it
 * once per member).
 */
function claimManySql(clientId: string, members: Member[], now: Date, work?: (runs: string) => string): string {
  const rows = members.map((m, i) => {
    const use = m.request.signatureUse;
    return `(${i + 1}, ${m.key ? `${lit(lockKey(clientId, m.key))}::bigint` : 'NULL::bigint'}, ${lit(m.key ?? null)}::text,
      ${lit(use?.digest ?? null)}::text, ${lit(use?.expiresAt.toISOString() ?? null)}::timestamptz)`;
  });
  const workCte = work ? `,\n    w AS MATERIALIZED (${work('(SELECT array_agg(r.runs ORDER BY r.ord) FROM r)')})` : '';
  return `WITH m (ord, lk, key, digest, sig_expires) AS (VALUES ${rows.join(', ')}),
    c AS MATERIALIZED (
      SELECT m.ord, m.digest, m.sig_expires,
             CASE WHEN m.lk IS NULL THEN true ELSE pg_try_advisory_xact_lock(m.lk) END AS locked,
             k.fingerprint, k.response_status, k.response_body, k.response_content_type,
             (k.expires_at IS NOT NULL AND k.expires_at <= ${lit(now.toISOString())}::timestamptz) AS expired
        FROM m LEFT JOIN idempotency_keys k ON k.client_id = ${lit(clientId)} AND k.key = m.key),
    s AS (${recordUsesSql(`SELECT ${lit(clientId)}, c.digest, c.sig_expires FROM c
       WHERE c.digest IS NOT NULL AND c.locked AND (c.fingerprint IS NULL OR c.expired)`)}),
    r AS MATERIALIZED (
      SELECT c.ord, c.locked, c.fingerprint, c.response_status, c.response_body, c.response_content_type, c.expired,
             (c.digest IS NOT NULL AND c.digest IN (SELECT digest FROM s)) AS signed,
             (c.locked AND (c.fingerprint IS NULL OR c.expired) AND (c.digest IS NULL OR c.digest IN (SELECT digest FROM s))) AS runs
        FROM c)${workCte}
    SELECT r.*${work ? ', CASE WHEN r.ord = 1 THEN (SELECT jsonb_agg(to_jsonb(w)) FROM w) END AS work' : ''} FROM r ORDER BY r.ord`;
}

/** ctx.afterCommit's callbacks, once COMMIT succeeded: one that throws is logged, never the request's failure. */
function runCommitted(callbacks: (() => void)[], request: FastifyRequest): void {
  for (const fn of callbacks) {
    try {
      fn();
    } catch (err) {
      request.log.error({ err }, 'an after-commit callback failed');
    }
  }
}

const signatureUsed = () => new AppError('SIGNATURE_INVALID', 'This signature was already used: sign each request anew.', 'x-signature');

export const unitOfWorkPlugin = fp<UnitOfWorkOptions>(
  async (app: FastifyInstance, opts) => {
    const { database } = opts;
    const GROUPS_IN_FLIGHT = opts.groupsInFlight ?? 1;
    app.decorateRequest('ctx', undefined);
    app.decorateRequest('prepared', undefined);

    const businessNow = (request: FastifyRequest) => new Date(opts.baseNow().getTime() + request.auth.tenant.sandboxClockOffsetMs);

    // Read-only requests: a context on the pool, at the tenant's business time.
    app.addHook('preHandler', async (request) => {
      const { config } = request.routeOptions;
      if (!config.auth || (MUTATING.has(request.method) && config.unitOfWork !== false)) return;
      request.ctx = extend(request.auth, { now: businessNow(request), db: database.db, requestId: request.id });
    });

    /** Stored responses, one statement sent with COMMIT. */
    function storeSql(clientId: string, stores: { key: string; fp: string; out: StoredResponse; seal: boolean }[]): string {
      const created = opts.realNow();
      const expires = opts.ttlDays > 0 ? new Date(created.getTime() + opts.ttlDays * 86_400_000).toISOString() : null;
      const values = stores.map(({ key, fp, out, seal }) => {
        const body = seal ? opts.box.encrypt(out.body, storedContext(clientId, key, fp)) : out.body;
        return `(${lit(clientId)}, ${lit(key)}, ${lit(fp)}, ${lit(out.status)}, ${lit(body)}, ${lit(out.contentType)},
                ${lit(created.toISOString())}, ${lit(expires)})`;
      });
      return `INSERT INTO idempotency_keys (client_id, key, fingerprint, response_status, response_body, response_content_type, created_at, expires_at)
        VALUES ${values.join(',\n')}`;
    }

    /** A use case's result as the answer the handler's return gives. */
    const answered = (reply: FastifyReply, result: unknown): Outcome => ({
      status: reply.statusCode,
      body: reply.serialize(result) as string,
      contentType: 'application/json; charset=utf-8',
      replay: false,
      headers: {},
    });
    /** A refusal as its answer. */
    const refused = (reply: FastifyReply, refusal: AppError): Outcome => ({
      status: refusal.status,
      body: reply.serialize({ errors: refusal.entries }) as string,
      contentType: 'application/json; charset=utf-8',
      replay: false,
      headers: refusal.headers,
    });

    /** The signature's use, sent with BEGIN: no row back means it was used before. */
    const signatureSql = (clientId: string, use: { digest: string; expiresAt: Date }) =>
      recordUsesSql(`VALUES (${lit(clientId)}, ${lit(use.digest)}, ${lit(use.expiresAt.toISOString())}::timestamptz)`);

    /**
     * One attempt at the unit. `predicted.allowed`: the use case may send predicted writes with COMMIT
     * (ctx.atCommitPredicted); `predicted.sent` tells the caller it did, so that a failure of the
     * last round trip runs the request again without them.
     */
    async function runOnce(
      request: FastifyRequest,
      reply: FastifyReply,
      handler: RouteHandlerMethod,
      now: Date,
      predicted: { allowed: boolean; sent: boolean },
    ): Promise<Outcome> {
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
      // ctx.afterCommit's callbacks: run once COMMIT has succeeded.
      const committed: (() => void)[] = [];
      const outcome = await database
        .transaction(
          async (s) => {
            let at = 0;
            if (key) {
              stored = await claimed(s, s.opening[at++]?.[0] as KeyRow | undefined, clientId, key, fp, opts.box);
              // A replay writes nothing: the transaction rolls back (see below).
              if (stored) throw REPLAY;
            }
            if (signature && !s.opening[at++]?.length) throw signatureUsed();
            const prefetched = prefetch ? (s.opening[at++] ?? []) : undefined;
            // Writes the use case sends with COMMIT (dropped with the rest when it refuses).
            const atCommit: string[] = [];
            const ctx: WriteContext = extend(request.auth, {
              now,
              db: s.tx,
              tx: s.tx,
              requestId: request.id,
              prefetched,
              atCommit: (statement: string) => atCommit.push(statement),
              atCommitPredicted: predicted.allowed
                ? (statement: string) => {
                    predicted.sent = true;
                    atCommit.push(statement);
                  }
                : undefined,
              afterCommit: (fn: () => void) => committed.push(fn),
            });
            request.ctx = ctx;
            let out: Outcome;
            try {
              // Schema refusals are answers too (CONTRACT §7 stores every non-5xx): raised in the unit.
              if (request.validationError) throw request.validationError;
              reply.code(200);
              out = answered(reply, await handler.call(app, request, reply));
            } catch (err) {
              const refusal = asAppError(err);
              if (!refusal || refusal.status >= 500 || RETRYABLE.has(pgErrorCode(err) ?? '')) throw err;
              if (!guarded && !refusal.keepChanges) throw refusal;
              if (!refusal.keepChanges) {
                await s.query('ROLLBACK TO SAVEPOINT unit_of_work');
                atCommit.length = 0;
                committed.length = 0;
              }
              out = refused(reply, refusal);
            } finally {
              request.ctx = undefined;
            }
            if (key) atCommit.push(storeSql(clientId, [{ key, fp, out, seal: request.routeOptions.config.sealStoredResponse === true }]));
            if (atCommit.length) s.finishWith(atCommit.join(';\n'));
            return out;
          },
          { opening },
        )
        .catch((err) => {
          if (err === REPLAY && stored) return { ...stored, replay: true, headers: {} };
          throw err;
        });
      runCommitted(committed, request);
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
      request.ctx = extend(request.auth, { now, db: database.db, requestId: request.id });
      try {
        request.prepared = await before(request);
      } catch (err) {
        if (!asAppError(err)) throw err;
      } finally {
        request.ctx = undefined;
      }
    }

    /** Sends a unit's answer (the crash aid strikes here, after the COMMIT, before any byte). */
    function respond(request: FastifyRequest, reply: FastifyReply, out: Outcome) {
      if (!out.replay && !out.unrun && opts.crashAfterCommit?.test(request.url)) {
        writeSync(2, `LEDGERLINE_CRASH_AFTER_COMMIT: killing this process after the commit of ${request.method} ${request.url}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      if (out.replay) reply.header('x-l2f-idempotent-replay', 'true');
      for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
      return reply.code(out.status).type(out.contentType).send(out.body);
    }

    // ---- Group commit (config.coalesce) ----
    type Coalesce = NonNullable<FastifyContextConfig['coalesce']>;
    interface Queue {
      waiting: Member[];
      running: number;
      scheduled: boolean;
    }
    const queues = new Map<string, Queue>();

    /** May this request join a group? (A malformed key, a schema refusal or a pre-phase: it runs alone.) */
    function groupable(request: FastifyRequest): Coalesce | undefined {
      const { config } = request.routeOptions;
      if (!config.coalesce || !GROUPS_IN_FLIGHT || config.beforeUnit || request.validationError) return undefined;
      try {
        idempotencyKey(request);
      } catch {
        return undefined;
      }
      return config.coalesce;
    }

    /** Queues the request for a group of its (route, caller, tenant); its answer, or undefined: run alone. */
    function joinGroup(
      request: FastifyRequest,
      reply: FastifyReply,
      handler: RouteHandlerMethod,
      spec: Coalesce,
    ): Promise<Outcome | undefined> {
      const name = `${request.method} ${request.routeOptions.url}\n${request.auth.caller.id}\n${request.auth.tenantId}`;
      const key = idempotencyKey(request);
      return new Promise((settle, fail) => {
        const queue = queues.get(name) ?? { waiting: [], running: 0, scheduled: false };
        queues.set(name, queue);
        queue.waiting.push({
          request,
          reply,
          handler,
          key,
          fp: key ? fingerprint(request, request.auth.tenantId) : '',
          prefetched: undefined,
          position: 0,
          settle,
          fail,
        });
        pump(name, queue, spec);
      });
    }

    /**
     * Starts groups while fewer than GROUPS_IN_FLIGHT run, on the next turn of the event loop: a
     * group is whoever arrived in the same turn, or waited while earlier groups ran.
     */
    function pump(name: string, queue: Queue, spec: Coalesce) {
      if (queue.scheduled || queue.running >= GROUPS_IN_FLIGHT || !queue.waiting.length) return;
      queue.scheduled = true;
      setImmediate(() => {
        queue.scheduled = false;
        start(name, queue, spec);
      });
    }

    function start(name: string, queue: Queue, spec: Coalesce) {
      while (queue.running < GROUPS_IN_FLIGHT && queue.waiting.length) {
        // Members of one group share no idempotency key, no signature and nothing `distinct` names.
        const taken: Member[] = [];
        const rest: Member[] = [];
        const seen = new Set<string>();
        for (const m of queue.waiting) {
          const marks = [
            m.key === undefined ? '' : `key:${m.key}`,
            m.request.signatureUse ? `sig:${m.request.signatureUse.digest}` : '',
            spec.distinct ? `distinct:${spec.distinct(m.request)}` : '',
          ].filter(Boolean);
          if (taken.length >= GROUP_MAX || marks.some((x) => seen.has(x))) {
            rest.push(m);
            continue;
          }
          for (const x of marks) seen.add(x);
          taken.push(m);
        }
        queue.waiting = rest;
        taken.forEach((m, i) => {
          m.position = i;
        });
        queue.running++;
        void runGroup(spec, taken).finally(() => {
          queue.running--;
          if (queue.waiting.length) pump(name, queue, spec);
          else if (!queue.running && !queue.scheduled) queues.delete(name);
        });
      }
    }

    async function runGroup(spec: Coalesce, members: Member[]): Promise<void> {
      let outs: (Outcome | undefined)[];
      try {
        outs = await groupOnce(spec, members);
        const { request } = members[0] as Member;
        opts.onGroupCommit?.(`${request.method} ${request.routeOptions.url}`, members.length);
      } catch (err) {
        if (err instanceof CommitUnknown) {
          for (const m of members) m.fail(err.cause);
          return;
        }
        // Nothing of the group committed: each member runs alone (and retries as the unit does).
        (members[0] as Member).request.log.debug({ code: pgErrorCode(err) }, 'group commit failed: members run alone');
        outs = [];
      }
      members.forEach((m, i) => {
        m.settle(outs[i]);
      });
    }

    /** One transaction for the whole group; per member its answer (in order). */
    async function groupOnce(spec: Coalesce, members: Member[]): Promise<Outcome[]> {
      const first = (members[0] as Member).request;
      const clientId = first.auth.caller.id;
      const now = businessNow(first);
      const opening = spec.opening;
      const work = opening && ((runs: string) => opening({ requests: members.map((m) => m.request), now, runs }));
      const claim =
        work || members.some((m) => m.key !== undefined || m.request.signatureUse)
          ? claimManySql(clientId, members, opts.realNow(), work)
          : undefined;
      // The group's read: one statement for all (coalesce.prefetch), else each member's own.
      const shared = spec.prefetch?.(members.map((m) => m.request));
      const prefetches = shared === undefined ? members.map((m) => m.request.routeOptions.config.prefetch?.(m.request)) : [];
      const statements = [
        ...(claim ? [claim] : []),
        ...(shared === undefined ? prefetches.filter((p): p is string => p !== undefined) : [shared]),
      ];
      let committing = false;
      const committed: (() => void)[] = [];
      try {
        const outs = await database.transaction(
          async (s) => {
            let at = 0;
            const claims = claim ? ((s.opening[at++] ?? []) as unknown as ClaimRow[]) : [];
            if (shared !== undefined) {
              const rows = s.opening[at++] ?? [];
              for (const m of members) m.prefetched = rows;
            }
            prefetches.forEach((p, i) => {
              if (p !== undefined) (members[i] as Member).prefetched = s.opening[at++] ?? [];
            });
            const outs: Outcome[] = [];
            const expired: string[] = [];
            const running: Member[] = [];
            // What the claim says each member is: running, or answered without running.
            const unrun = (m: Member, row: ClaimRow | undefined): Outcome | undefined => {
              if (m.key !== undefined) {
                if (!row?.locked) return { ...refused(m.reply, inProgress()), unrun: true };
                if (row.fingerprint !== null && !row.expired) {
                  if (row.fingerprint !== m.fp) return { ...refused(m.reply, reused()), unrun: true };
                  return { ...storedOf(row, clientId, m.key, m.fp, opts.box), replay: true, headers: {} };
                }
                if (row.expired) expired.push(m.key);
              }
              if (m.request.signatureUse && !row?.signed) return { ...refused(m.reply, signatureUsed()), unrun: true };
              return undefined;
            };
            members.forEach((m, i) => {
              const answer = unrun(m, claims[i]);
              // The SQL decided the same when it ran the group's work (claimManySql): else nothing commits.
              if (claim && claims[i]?.runs !== !answer) throw new Error('the claim and its members disagree on who runs');
              if (answer) outs[i] = answer;
              else running.push(m);
            });
            if (work) {
              const rows = (claims[0]?.work ?? []) as Record<string, unknown>[];
              for (const m of running) m.prefetched = rows;
            }
            const atCommit: string[] = [];
            if (running.length) {
              const ctx: WriteContext = extend(first.auth, {
                now,
                db: s.tx,
                tx: s.tx,
                requestId: first.id,
                atCommit: (statement: string) => atCommit.push(statement),
                afterCommit: (fn: () => void) => committed.push(fn),
              });
              const settled = await spec.run(ctx, running);
              if (settled.length !== running.length) throw new Error('a group use case must answer every member');
              // Each answer goes through the route's handler chain (versions), as a handler's would.
              for (const [j, m] of running.entries()) {
                const i = members.indexOf(m);
                m.request.groupAnswer = settled[j];
                m.reply.code(200);
                try {
                  outs[i] = answered(m.reply, await m.handler.call(app, m.request, m.reply));
                } catch (err) {
                  const refusal = asAppError(err);
                  if (!refusal || refusal.status >= 500) throw err;
                  outs[i] = refused(m.reply, refusal);
                } finally {
                  m.request.groupAnswer = undefined;
                }
              }
            }
            if (expired.length) {
              atCommit.push(
                `DELETE FROM idempotency_keys WHERE client_id = ${lit(clientId)} AND key IN (${expired.map((k) => lit(k)).join(', ')})`,
              );
            }
            const stores = running
              .filter((m) => m.key !== undefined)
              .map((m) => ({
                key: m.key as string,
                fp: m.fp,
                out: outs[members.indexOf(m)] as Outcome,
                seal: m.request.routeOptions.config.sealStoredResponse === true,
              }));
            if (stores.length) atCommit.push(storeSql(clientId, stores));
            if (atCommit.length) s.finishWith(atCommit.join(';\n'));
            committing = true;
            return outs;
          },
          { opening: statements },
        );
        runCommitted(committed, first);
        return outs;
      } catch (err) {
        // A refusal from PostgreSQL (or COMMIT answering ROLLBACK) means nothing committed.
        if (committing && !pgErrorCode(err) && !(err instanceof TransactionAbortedError)) throw new CommitUnknown('commit', { cause: err });
        throw err;
      }
    }

    async function run(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, handler: RouteHandlerMethod) {
      const spec = groupable(request);
      if (spec) {
        const out = await joinGroup(request, reply, handler, spec);
        if (out) return respond(request, reply, out);
      }
      const now = businessNow(request);
      await prepare(request, now);
      const predicted = { allowed: true, sent: false };
      for (let attempt = 1; ; attempt++) {
        let out: Outcome;
        try {
          predicted.sent = false;
          out = await runOnce(request, reply, handler, now, predicted);
        } catch (err) {
          const code = pgErrorCode(err);
          // A deadlock or serialization failure re-runs the unit. A unique violation on the key
          // itself means another process finished the same key first: the re-run replays it.
          const again = (code && RETRYABLE.has(code)) || (code === '23505' && /idempotency_keys/.test(String(err)));
          // Any other SQL error once a predicted write was sent (refused under its locks; nothing
          // committed): the request runs again, writing at once and answering from what happened.
          if (predicted.sent && code && !again) {
            predicted.allowed = false;
            continue;
          }
          if (again && attempt < ATTEMPTS) {
            await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
            continue;
          }
          throw err;
        }
        return respond(request, reply, out);
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

/**
 * What makes a stored answer one to seal (CONTRACT §17): a client secret, or a personal identifier
 * (PERSONAL_FIELDS), as the answers of routes marked `sealStoredResponse` hold them. A stored row
 * names neither its route nor its path (only their hash), so an earlier version's clear answers
 * are recognised by these keys.
 */
const SECRET_ANSWER_KEYS: readonly string[] = ['client_secret', ...PERSONAL_FIELDS];

/** Does this JSON text hold a string under one of SECRET_ANSWER_KEYS, at any depth? */
function holdsSecretAnswer(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  const walk = (v: unknown, key: string | undefined): boolean => {
    if (typeof v === 'string') return key !== undefined && SECRET_ANSWER_KEYS.includes(key);
    if (Array.isArray(v)) return v.some((item) => walk(item, key));
    if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, item]) => walk(item, k));
    return false;
  };
  return walk(value, undefined);
}

/** idempotency_keys is this plugin's table: the statements of the start-up upgrade, beside those of the unit. */
const idempotencyKeysRepository = {
  /** Stored answers still in clear that may hold a secret (a key named in their text), after (client, key). */
  async clearCandidates(database: Database, after: { clientId: string; key: string }, limit: number) {
    const named = SECRET_ANSWER_KEYS.map((k) => lit(`%"${k}"%`)).join(', ');
    return database.transaction((s) =>
      s.query<{ client_id: string; key: string; fingerprint: string; response_body: string }>(
        `SELECT client_id, key, fingerprint, response_body FROM idempotency_keys
          WHERE (client_id, key) > ($1, $2) AND response_body NOT LIKE 'llv1:%' AND response_body LIKE ANY (ARRAY[${named}])
          ORDER BY client_id, key LIMIT ${Number(limit)}`,
        [after.clientId, after.key],
      ),
    );
  },
  /** Replaces a stored answer, only if it is still as read (compare-and-set): true when replaced. */
  async replaceBody(database: Database, row: { client_id: string; key: string; response_body: string }, sealed: string) {
    const updated = await database.transaction((s) =>
      s.query(
        `UPDATE idempotency_keys SET response_body = $4 WHERE client_id = $1 AND key = $2 AND response_body = $3 RETURNING 1 AS one`,
        [row.client_id, row.key, row.response_body, sealed],
      ),
    );
    return updated.length > 0;
  },
};

/**
 * Seals the stored answers an earlier version kept in clear (before stored answers were sealed):
 * those holding a client secret or a personal identifier, each with the context a sealed answer
 * of today has (client, key, request fingerprint), so replays stay byte for byte. Called at start,
 * once the vault is open; rows are rewritten compare-and-set (processes starting together do not
 * clash). Returns how many it sealed.
 */
export async function sealStoredResponses(database: Database, box: SecretBox, batch = 200): Promise<number> {
  let sealed = 0;
  let after = { clientId: '', key: '' };
  for (;;) {
    const rows = await idempotencyKeysRepository.clearCandidates(database, after, batch);
    for (const row of rows) {
      if (box.isEncrypted(row.response_body) || !holdsSecretAnswer(row.response_body)) continue;
      const body = box.encrypt(row.response_body, storedContext(row.client_id, row.key, row.fingerprint));
      if (await idempotencyKeysRepository.replaceBody(database, row, body)) sealed++;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batch) return sealed;
    after = { clientId: last.client_id, key: last.key };
  }
}
