export { isEnvelope, masterKeyId, VaultCryptoError } from './crypto.js';
export { MASTER_KEY_FILE, type MasterKeySource, resolveMasterKey, sandboxMasterKey } from './master-key.js';
export { type RotationResult, Vault, type VaultKeyStatus, type VaultOptions } from './vault.js';

/** What a module needs to keep a secret encrypted at rest (the vault, or a test double). */
export interface SecretBox {
  encrypt(plaintext: string, context: string): string;
  decrypt(envelope: string, context: string): string;
  isEncrypted(text: string): boolean;
}

/** What a module needs to keep a file (bytes) encrypted at rest. */
export interface BytesBox {
  encryptBytes(plaintext: Buffer, context: string): Buffer;
  decryptBytes(envelope: Buffer, context: string): Buffer;
  isEncryptedBytes(bytes: Buffer): boolean;
}
