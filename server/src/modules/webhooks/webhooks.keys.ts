import type { Db } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { webhooksRepository } from './webhooks.repository.js';

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
    const rows = await webhooksRepository.clearPrivateKeys(db, batch);
    for (const r of rows) {
      if (await webhooksRepository.replacePrivateKey(db, r, box.encrypt(r.privateKey, webhookKeyContext(r.clientId, r.id)))) done += 1;
    }
    if (rows.length < batch) return done;
  }
}
