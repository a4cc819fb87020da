import { createHash } from 'node:crypto';
import { and, asc, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { signatureUses, signingKeys } from '../../db/schema.js';
import type { Clock } from '../../shared/clock.js';
import { normalizePublicKey, verifyEd25519 } from '../../shared/ed25519.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';

export const WINDOW_SECONDS = 300;
type KeyRow = typeof signingKeys.$inferSelect;

const view = (k: KeyRow) => ({ id: k.id, public_key: k.publicKey, created_at: k.createdAt.toISOString() });

/** Clients' Ed25519 public keys, and the check of a signed request (CONTRACT §8). */
export class SigningKeysService {
  /** Active keys per client, reused for a second (registration and revocation here drop them). */
  private readonly cache = new Map<string, { keys: string[]; until: number }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private async activeKeys(clientId: string): Promise<string[]> {
    const hit = this.cache.get(clientId);
    const now = performance.now();
    if (hit && hit.until > now) return hit.keys;
    const rows = await this.db
      .select({ publicKey: signingKeys.publicKey })
      .from(signingKeys)
      .where(and(eq(signingKeys.clientId, clientId), isNull(signingKeys.revokedAt)));
    if (this.cache.size > 10_000) this.cache.clear();
    const keys = rows.map((r) => r.publicKey);
    this.cache.set(clientId, { keys, until: now + 1000 });
    return keys;
  }

  async register(clientId: string, publicKey: string) {
    const raw = normalizePublicKey(publicKey);
    if (!raw) {
      throw new AppError('VALIDATION_ERROR', 'public_key must be an Ed25519 public key: 32-byte hex, DER SPKI hex or PEM.', 'public_key');
    }
    const [row] = await this.db
      .insert(signingKeys)
      .values({ clientId, id: newId('signingKey'), publicKey: raw, createdAt: this.clock.now() })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new AppError('DUPLICATE_ID', 'This public key is already registered.', 'public_key');
    this.cache.delete(clientId);
    return view(row);
  }

  async list(clientId: string) {
    const rows = await this.db
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.clientId, clientId), isNull(signingKeys.revokedAt)))
      .orderBy(asc(signingKeys.seq));
    return rows.map(view);
  }

  async revoke(clientId: string, id: string) {
    const [row] = await this.db
      .update(signingKeys)
      .set({ revokedAt: this.clock.now() })
      .where(and(eq(signingKeys.clientId, clientId), eq(signingKeys.id, id), isNull(signingKeys.revokedAt)))
      .returning();
    if (!row) throw notFound('Signing key', 'id');
    this.cache.delete(clientId);
    return { id: row.id };
  }

  /**
   * Verifies `signature` over `<timestamp><METHOD><path?query><raw body>` against the client's
   * active keys; the timestamp must be within the window. Each signature is accepted once:
   * 'reused' tells the caller it was seen before (an idempotent retry may still be answered).
   */
  async verify(
    clientId: string,
    req: { signature: Buffer; timestamp: string; method: string; url: string; body: Buffer },
  ): Promise<'fresh' | 'reused'> {
    const now = this.clock.now();
    const ts = Number(req.timestamp);
    if (!/^\d{1,12}$/.test(req.timestamp) || Math.abs(now.getTime() / 1000 - ts) > WINDOW_SECONDS) {
      throw new AppError(
        'TIMESTAMP_OUT_OF_WINDOW',
        `x-timestamp must be unix seconds within ${WINDOW_SECONDS} s of the server clock.`,
        'x-timestamp',
      );
    }
    const message = Buffer.concat([Buffer.from(`${req.timestamp}${req.method}${req.url}`, 'utf8'), req.body]);
    const keys = await this.activeKeys(clientId);
    if (!keys.some((k) => verifyEd25519(message, req.signature, k))) {
      throw new AppError('SIGNATURE_INVALID', 'The signature does not verify against any of your active signing keys.', 'x-signature');
    }
    const digest = createHash('sha256').update(req.signature).digest('hex');
    const used = await this.db
      .insert(signatureUses)
      .values({ clientId, digest, expiresAt: new Date((ts + WINDOW_SECONDS) * 1000 + 60_000) })
      .onConflictDoNothing()
      .returning({ digest: signatureUses.digest });
    return used.length ? 'fresh' : 'reused';
  }

  async purgeUsed(): Promise<void> {
    await this.db.delete(signatureUses).where(lt(signatureUses.expiresAt, this.clock.now()));
  }
}
