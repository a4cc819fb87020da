import { createHash } from 'node:crypto';
import { and, eq, lt, lte, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { signatureUsed } from './signing.plugin.js';

/**
 * Idempotency (CONTRACT §7), kept in the database so it holds across processes and restarts.
 *  - The first request with a key reserves it (in_progress) before the handler runs.
 *  - The response (status + exact body) is stored when it is sent; a 5xx releases the key instead.
 *  - Same key + same request -> the stored response, byte for byte, x-l2f-idempotent-replay: true.
 *  - Same key + different request -> 422; while the first still runs -> 409.
 * A reservation whose process died is taken over after LOCK_SECONDS.
 */
const HEADER = 'x-l2f-idempotency-id';
const LOCK_SECONDS = 60;
const METHODS = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { clientId: string; key: string; replay: boolean } | undefined;
  }
}

function fingerprint(request: FastifyRequest): string {
  const path = request.url.replace(/^\/api(?=\/)/, '');
  return createHash('sha256')
    .update(`${request.method}\n${path}\n${request.auth.tenantId}\n`)
    .update(request.rawBody ?? Buffer.alloc(0))
    .digest('hex');
}

/** The stored response, byte for byte, marked as a replay. */
function replay(reply: FastifyReply, row: typeof idempotencyKeys.$inferSelect) {
  reply
    .code(row.responseStatus ?? 200)
    .header('x-l2f-idempotent-replay', 'true')
    .type(row.responseContentType ?? 'application/json; charset=utf-8');
  return reply.send(row.responseBody ?? '');
}

export interface IdempotencyOptions {
  db: Db;
  clock: Clock;
  ttlDays: number;
}

export const idempotencyPlugin = fp<IdempotencyOptions>(
  async (app: FastifyInstance, { db, clock, ttlDays }) => {
    app.decorateRequest('idempotency', undefined);

    app.addHook('preValidation', async (request, reply) => {
      const key = request.headers[HEADER];
      if (key === undefined || !METHODS.has(request.method) || !request.routeOptions.config.auth) return;
      if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
        throw new AppError('VALIDATION_ERROR', `${HEADER} must be 1-255 printable ASCII characters.`, HEADER);
      }
      const clientId = request.auth.caller.id;
      const fp = fingerprint(request);
      const now = clock.now();
      const lockedUntil = new Date(now.getTime() + LOCK_SECONDS * 1000);
      const expiresAt = ttlDays > 0 ? new Date(now.getTime() + ttlDays * 86_400_000) : null;
      const where = and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.key, key));

      if (request.signatureReused) {
        // Only the stored response of this very request may answer a reused signature.
        const [row] = await db.select().from(idempotencyKeys).where(where);
        if (row?.state === 'done' && row.fingerprint === fp && !(row.expiresAt && row.expiresAt <= now)) {
          request.idempotency = { clientId, key, replay: true };
          return replay(reply, row);
        }
        throw signatureUsed();
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const inserted = await db
          .insert(idempotencyKeys)
          .values({ clientId, key, fingerprint: fp, state: 'in_progress', lockedUntil, createdAt: now, expiresAt })
          .onConflictDoNothing()
          .returning({ key: idempotencyKeys.key });
        if (inserted.length) {
          request.idempotency = { clientId, key, replay: false };
          return;
        }
        const [row] = await db.select().from(idempotencyKeys).where(where);
        if (!row) continue; // released in between: try again
        if (row.expiresAt && row.expiresAt <= now) {
          await db.delete(idempotencyKeys).where(and(where, lte(idempotencyKeys.expiresAt, now)));
          continue;
        }
        if (row.fingerprint !== fp) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different request.', HEADER);
        }
        if (row.state === 'done') {
          request.idempotency = { clientId, key, replay: true };
          return replay(reply, row);
        }
        // In progress: take it over only if its holder is gone (lock expired).
        const taken = await db
          .update(idempotencyKeys)
          .set({ lockedUntil })
          .where(and(where, eq(idempotencyKeys.state, 'in_progress'), lt(idempotencyKeys.lockedUntil, now)))
          .returning({ key: idempotencyKeys.key });
        if (taken.length) {
          request.idempotency = { clientId, key, replay: false };
          return;
        }
        throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this idempotency key is still being processed.', HEADER);
      }
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'A request with this idempotency key is still being processed.', HEADER);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const idem = request.idempotency;
      if (!idem || idem.replay) return payload;
      request.idempotency = undefined;
      const where = and(eq(idempotencyKeys.clientId, idem.clientId), eq(idempotencyKeys.key, idem.key));
      try {
        if (reply.statusCode >= 500 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
          await db.delete(idempotencyKeys).where(where);
        } else {
          const contentType = reply.getHeader('content-type');
          await db
            .update(idempotencyKeys)
            .set({
              state: 'done',
              responseStatus: reply.statusCode,
              responseBody: Buffer.isBuffer(payload) ? payload.toString('utf8') : payload,
              responseContentType: typeof contentType === 'string' ? contentType : 'application/json; charset=utf-8',
            })
            .where(where);
        }
      } catch (err) {
        request.log.error({ err }, 'could not record the idempotent response');
      }
      return payload;
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);

/** Housekeeping: drop stored responses past their TTL. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.expiresAt} IS NOT NULL AND ${idempotencyKeys.expiresAt} < ${now}`)
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
