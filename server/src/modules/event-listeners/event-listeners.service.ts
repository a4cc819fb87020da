import type { Db, Reader } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { notFound } from '../../shared/errors.js';
import { uuidv7 } from '../../shared/ids.js';
import { newKeyPair, signDelivery } from '../webhooks/index.js';
import { eventListenersRepository as repo, type StreamedEventRow } from './event-listeners.repository.js';
import type { EventListenerRow } from './event-listeners.table.js';

export function listenerView(row: EventListenerRow) {
  return {
    id: row.id,
    signature_verification_key: row.publicKey,
    event_types: row.eventTypes ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * A listener's private key is stored encrypted by the vault (CONTRACT §17), bound to its listener,
 * like a webhook subscription's.
 */
const keyContext = (clientId: string, id: string) => `event_listeners.private_key:${clientId}:${id}`;

export async function createListener(ctx: WriteContext, body: { event_types?: string[] } | undefined, box: SecretBox) {
  const { publicKeyHex, privateKeyPem } = newKeyPair();
  const id = `evl_${uuidv7()}`;
  const row = await repo.insert(ctx.tx, {
    clientId: ctx.tenantId,
    id,
    publicKey: publicKeyHex,
    privateKey: box.encrypt(privateKeyPem, keyContext(ctx.tenantId, id)),
    eventTypes: body?.event_types?.length ? [...new Set(body.event_types)] : null,
    startSeq: await repo.newestSeq(ctx.db, ctx.tenantId),
    createdAt: ctx.now,
  });
  return listenerView(row);
}

/** The listener with its private key decrypted (for signing; never answered). */
export async function findListener(ctx: Context, id: string, box: SecretBox): Promise<EventListenerRow> {
  const row = await repo.find(ctx.db, ctx.tenantId, id);
  if (!row) throw notFound('Event listener', 'id');
  const key = box.isEncrypted(row.privateKey) ? box.decrypt(row.privateKey, keyContext(row.clientId, row.id)) : row.privateKey;
  return { ...row, privateKey: key };
}

/** Encrypts the private keys an earlier version stored in clear (PEM), compare-and-set, at start. */
export async function encryptStoredListenerKeys(db: Db, box: SecretBox): Promise<number> {
  let done = 0;
  for (const r of await repo.storedInClear(db)) {
    if (await repo.replaceKey(db, r.clientId, r.id, r.privateKey, box.encrypt(r.privateKey, keyContext(r.clientId, r.id)))) done++;
  }
  return done;
}

export async function deleteListener(ctx: WriteContext, id: string) {
  if (!(await repo.markDeleted(ctx.tx, ctx.tenantId, id, ctx.now))) throw notFound('Event listener', 'id');
  return { id };
}

/** The webhook envelope of an event (CONTRACT §9), signed with the listener's key at `timestamp`. */
export function signedEvent(listener: EventListenerRow, row: StreamedEventRow, timestamp: string) {
  const body = JSON.stringify({
    event_id: row.id,
    event_date: row.createdAt.toISOString(),
    event_type: row.eventType,
    event_data: row.eventData,
  });
  return {
    id: row.id,
    headers: { 'x-l2f-event-id': row.id, 'x-timestamp': timestamp, 'x-signature': signDelivery(listener.privateKey, timestamp, body) },
    body,
  };
}

export interface StreamOptions {
  /** The read context's handle (the pool: a stream is a read-only request that lasts). */
  db: Reader;
  /** Real time (unix ms) for signatures and the lag window. */
  nowMs: () => number;
  pollMs: number;
  /** How long an event's seq may stay uncommitted behind newer ones (see below). */
  lagMs: number;
  signal: AbortSignal;
  /** Resume after this event (the SSE Last-Event-ID). */
  lastEventId?: string | undefined;
}

const PAGE = 200;
/** How often an open stream checks that its listener still exists. */
const LIVENESS_MS = 5_000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * The listener's events, oldest first, from its creation (or after `lastEventId`) until aborted.
 * Sequence numbers are allocated before commit, so an event can become visible after one with a
 * higher seq: each poll rescans from a floor that trails what was seen by `lagMs`, and ids
 * already sent are skipped. Polls its own short queries: no transaction stays open.
 */
export async function* listenerEvents(listener: EventListenerRow, opts: StreamOptions) {
  const { db, signal } = opts;
  let floor = listener.startSeq;
  if (opts.lastEventId) {
    const seq = await repo.seqOf(db, listener.clientId, opts.lastEventId);
    if (seq !== undefined && seq > floor) floor = seq;
  }
  const sent = new Map<string, bigint>();
  const checkpoints: { at: number; seq: bigint }[] = [];
  let maxSeen = floor;
  let scanFrom = floor;
  let checkedAt = opts.nowMs();
  while (!signal.aborted) {
    if (opts.nowMs() - checkedAt >= LIVENESS_MS) {
      checkedAt = opts.nowMs();
      if (!(await repo.find(db, listener.clientId, listener.id))) return; // deleted: the stream ends
    }
    const rows = await repo.after(db, listener.clientId, scanFrom, listener.eventTypes, PAGE);
    for (const row of rows) {
      if (row.seq > maxSeen) maxSeen = row.seq;
      if (sent.has(row.id)) continue;
      sent.set(row.id, row.seq);
      yield signedEvent(listener, row, String(Math.floor(opts.nowMs() / 1000)));
      if (signal.aborted) return;
    }
    const now = opts.nowMs();
    checkpoints.push({ at: now, seq: maxSeen });
    while (checkpoints.length && (checkpoints[0] as { at: number }).at <= now - opts.lagMs) {
      const c = checkpoints.shift() as { seq: bigint };
      if (c.seq > floor) floor = c.seq;
    }
    for (const [id, seq] of sent) if (seq <= floor) sent.delete(id);
    if (rows.length === PAGE) {
      scanFrom = (rows[rows.length - 1] as StreamedEventRow).seq; // a burst: read on at once
      continue;
    }
    scanFrom = floor;
    await sleep(opts.pollMs, signal);
  }
}
