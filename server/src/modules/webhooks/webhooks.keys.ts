import { and, eq, like } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { subscriptions } from '../../db/schema-webhooks.js';
import type { SecretBox } from '../../platform/vault/index.js';

/**
 * Subscriptions' private keys are stored encrypted by the vault (CONTRACT §17), bound to their
 * subscription: a ciphertext copied onto another subscription does not decrypt there.
 */
export const webhookKeyContext = (clientId: string, subscriptionId: string) => `subscriptions.private_key:${clientId}:${subscriptionId}`;

/** The PEM to sign with: decrypted, or (a row an older version wrote, not yet encrypted) as stored. */
export function privateKeyPem(box: SecretBox, clientId: string, subscriptionId: string, stored: string): string {
  return box.isEncrypted(stored) ? box.decrypt(stored, webhookKeyContext(clientId, subscriptionId)) : stored;
}

/**
 * Encrypts the private keys an earlier version stored in clear (PEM), each row compare-and-set
 * so processes starting together do not clash. The key itself does not change: receivers keep
 * verifying with the same signature_verification_key. Returns how many rows it encrypted.
 */
export async function encryptStoredWebhookKeys(db: Db, box: SecretBox, batch = 500): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db
      .select({ clientId: subscriptions.clientId, id: subscriptions.id, privateKey: subscriptions.privateKey })
      .from(subscriptions)
      .where(like(subscriptions.privateKey, '-----BEGIN%'))
      .limit(batch);
    for (const r of rows) {
      const updated = await db
        .update(subscriptions)
        .set({ privateKey: box.encrypt(r.privateKey, webhookKeyContext(r.clientId, r.id)) })
        .where(and(eq(subscriptions.clientId, r.clientId), eq(subscriptions.id, r.id), eq(subscriptions.privateKey, r.privateKey)))
        .returning({ id: subscriptions.id });
      done += updated.length;
    }
    if (rows.length < batch) return done;
  }
}
