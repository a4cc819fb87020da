import { hash } from 'node:crypto';
import type { Db, Tx } from '../../db/client.js';
import type { Clock } from '../../shared/clock.js';
import { type Context, onCommitted, type WriteContext } from '../../shared/context.js';
import { normalizePublicKey, verifyEd25519 } from '../../shared/ed25519.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { ReadThroughCache } from '../../shared/read-through-cache.js';
import { type SigningKeyRow, signingKeysRepository } from './signing-keys.repository.js';

export const WINDOW_SECONDS = 300;
type KeyRow = SigningKeyRow;

/** A verified signature, identified for replay protection until it leaves the window. */
export interface SignatureUse {
  digest: string;
  expiresAt: Date;
}

/** Records a signature as used; refuses one that was (CONTRACT §8: each is accepted once). */
export async function recordSignatureUse(tx: Tx, clientId: string, use: SignatureUse): Promise<void> {
  if (!(await signingKeysRepository.recordUse(tx, clientId, use.digest, use.expiresAt)))
    throw new AppError('SIGNATURE_INVALID', 'This signature was already used: sign each request anew.', 'x-signature');
}

const view = (k: KeyRow) => ({ id: k.id, public_key: k.publicKey, created_at: k.createdAt.toISOString() });

/**
 * Clients' Ed25519 public keys, and the check of a signed request (CONTRACT §8). The check runs in
 * the platform before a request's unit of work, reading active keys through the pool (`db`); the
 * key use cases run in the request's context.
 */
export class SigningKeysService {
  /** Active keys per client, reused for a second (registration and revocation here drop them). */
  private readonly cache = new ReadThroughCache<string[]>(1000);

  constructor(
    private readonly db: Db,
    /** Real time: the signature window does not move with a sandbox clock. */
    private readonly clock: Clock,
  ) {}

  /** Drops a client's cached keys once ctx's unit has committed (see ClientsService.forgetWritten). */
  private forget(ctx: WriteContext, clientId: string): void {
    onCommitted(ctx, () => this.cache.forget(clientId));
  }

  private activeKeys(clientId: string): Promise<string[]> {
    return this.cache.get(clientId, async () => (await signingKeysRepository.active(this.db, clientId)).map((r) => r.publicKey));
  }

  async register(ctx: WriteContext, publicKey: string) {
    const clientId = ctx.tenantId;
    const raw = normalizePublicKey(publicKey);
    if (!raw) {
      throw new AppError('VALIDATION_ERROR', 'public_key must be an Ed25519 public key: 32-byte hex, DER SPKI hex or PEM.', 'public_key');
    }
    const row = await signingKeysRepository.insert(ctx.tx, { clientId, id: newId('signingKey'), publicKey: raw, createdAt: ctx.now });
    if (!row) throw new AppError('DUPLICATE_ID', 'This public key is already registered.', 'public_key');
    this.forget(ctx, clientId);
    return view(row);
  }

  async list(ctx: Context) {
    return (await signingKeysRepository.active(ctx.db, ctx.tenantId)).map(view);
  }

  async revoke(ctx: WriteContext, id: string) {
    const row = await signingKeysRepository.revoke(ctx.tx, ctx.tenantId, id, ctx.now);
    if (!row) throw notFound('Signing key', 'id');
    this.forget(ctx, ctx.tenantId);
    return { id: row.id };
  }

  /**
   * Verifies `signature` over `<timestamp><METHOD><path?query><raw body>` against the client's
   * active keys; the timestamp must be within the window. Returns the use to record (each
   * signature is accepted once: recordSignatureUse, in the request's transaction).
   */
  async verify(
    clientId: string,
    req: { signature: Buffer; timestamp: string; method: string; url: string; body: Buffer },
  ): Promise<SignatureUse> {
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
    if (!(await Promise.all(keys.map((k) => verifyEd25519(message, req.signature, k)))).includes(true)) {
      throw new AppError('SIGNATURE_INVALID', 'The signature does not verify against any of your active signing keys.', 'x-signature');
    }
    return {
      digest: hash('sha256', req.signature, 'hex'),
      expiresAt: new Date((ts + WINDOW_SECONDS) * 1000 + 60_000),
    };
  }

  async purgeUsed(): Promise<void> {
    await signingKeysRepository.purgeUses(this.db, this.clock.now());
  }
}
