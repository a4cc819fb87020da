import { ConfigError } from '../../config/index.js';
import type { Database, Db } from '../../db/client.js';
import { ownTransaction } from '../../jobs/scheduler.js';
import { uuidv7 } from '../../shared/ids.js';
import {
  formatBytesEnvelope,
  formatEnvelope,
  hmac,
  isEnvelope,
  masterKeyId,
  newKey,
  open,
  parseBytesEnvelope,
  parseEnvelope,
  seal,
  VaultCryptoError,
} from './crypto.js';
import { type KeyPurpose, vaultRepository as repo, type VaultKeyRow } from './vault.repository.js';

/**
 * The vault (CONTRACT §17): envelope encryption.
 *  - The master key (LEDGERLINE_MASTER_KEY, 32 bytes, never stored in the database) wraps the
 *    data keys of the vault_keys table.
 *  - Data keys encrypt values with AES-256-GCM; each encrypted value names its data key
 *    (`llv1:<key id>:…`) and is bound to a context (what it is and which row it belongs to), so a
 *    ciphertext copied into another row does not decrypt there.
 *  - Rotation: with the new key in LEDGERLINE_MASTER_KEY and the old one in
 *    LEDGERLINE_PREVIOUS_MASTER_KEYS, `rewrapAll` re-wraps every data key with the new master
 *    key. Encrypted values are not touched: they name data keys, which do not change.
 *  - Keyed hashes (HMAC-SHA-256 with the 'lookup' data key) find an encrypted value by equality
 *    without decrypting every row; they survive master key rotations too.
 * Data keys are unwrapped once, at open, and kept in memory.
 */
export interface VaultOptions {
  masterKey: Buffer;
  previousMasterKeys?: readonly Buffer[];
  now: () => Date;
}

export interface VaultKeyStatus {
  id: string;
  purpose: KeyPurpose;
  active: boolean;
  master_key_id: string;
  /** Wrapped by the current master key. */
  current: boolean;
  created_at: string;
  rewrapped_at: string | null;
}

export interface RotationResult {
  master_key_id: string;
  rewrapped: number;
  keys: VaultKeyStatus[];
}

const wrapContext = (id: string, purpose: KeyPurpose) => `ledgerline data key ${id} ${purpose}`;
const valueContext = (keyId: string, context: string) => `ledgerline value ${keyId} ${context}`;

export class Vault {
  private constructor(
    private readonly dataKeys: Map<string, { purpose: KeyPurpose; key: Buffer }>,
    private readonly activeKey: Record<KeyPurpose, string>,
    private readonly masters: Map<string, Buffer>,
    /** The current master key's id. */
    readonly masterKeyId: string,
    private readonly now: () => Date,
  ) {}

  /** Loads (and on a first start creates) the data keys. Refuses to start when one cannot be unwrapped. */
  static async open(db: Db, opts: VaultOptions): Promise<Vault> {
    const currentId = masterKeyId(opts.masterKey);
    const masters = new Map<string, Buffer>([[currentId, opts.masterKey]]);
    for (const k of opts.previousMasterKeys ?? []) if (!masters.has(masterKeyId(k))) masters.set(masterKeyId(k), k);

    let rows = await repo.all(db);
    let created = false;
    for (const purpose of ['encryption', 'lookup'] as const) {
      if (rows.some((r) => r.active && r.purpose === purpose)) continue;
      const id = `dek_${uuidv7()}`;
      const wrapped = seal(opts.masterKey, newKey(), wrapContext(id, purpose)).toString('base64url');
      await repo.insertActive(db, { id, purpose, masterKeyId: currentId, wrappedKey: wrapped, createdAt: opts.now() });
      created = true;
    }
    if (created) rows = await repo.all(db); // another process may have won the insert: read what is there

    const dataKeys = new Map<string, { purpose: KeyPurpose; key: Buffer }>();
    for (const row of rows) dataKeys.set(row.id, { purpose: row.purpose, key: unwrap(row, masters, currentId) });
    const active = (purpose: KeyPurpose) => {
      const row = rows.find((r) => r.active && r.purpose === purpose);
      if (!row) throw new Error(`the vault has no active ${purpose} key`);
      return row.id;
    };
    return new Vault(dataKeys, { encryption: active('encryption'), lookup: active('lookup') }, masters, currentId, opts.now);
  }

  /** Encrypts `plaintext` for `context` (e.g. `webhook_private_key:<client>:<subscription>`). */
  encrypt(plaintext: string, context: string): string {
    const keyId = this.activeKey.encryption;
    const key = this.dataKeys.get(keyId)?.key as Buffer;
    return formatEnvelope(keyId, seal(key, Buffer.from(plaintext, 'utf8'), valueContext(keyId, context)));
  }

  /** Decrypts a value encrypted for `context`; throws when it was sealed for another one or altered. */
  decrypt(envelope: string, context: string): string {
    const parsed = parseEnvelope(envelope);
    if (!parsed) throw new VaultCryptoError('not an encrypted value');
    const entry = this.dataKeys.get(parsed.keyId);
    if (entry?.purpose !== 'encryption') throw new VaultCryptoError(`unknown data key ${parsed.keyId}`);
    return open(entry.key, parsed.sealed, valueContext(parsed.keyId, context)).toString('utf8');
  }

  /** Is this text an envelope of this vault, naming one of its data keys (as opposed to a value still in clear)? */
  isEncrypted(text: string): boolean {
    if (!isEnvelope(text)) return false;
    return this.dataKeys.get(parseEnvelope(text)?.keyId as string)?.purpose === 'encryption';
  }

  /** Encrypts bytes (a document's file) for `context`: the binary envelope of crypto.ts, with the active data key. */
  encryptBytes(plaintext: Buffer, context: string): Buffer {
    const keyId = this.activeKey.encryption;
    const key = this.dataKeys.get(keyId)?.key as Buffer;
    return formatBytesEnvelope(keyId, seal(key, plaintext, valueContext(keyId, context)));
  }

  /** Decrypts bytes encrypted for `context`; throws when they were sealed for another one or altered. */
  decryptBytes(envelope: Buffer, context: string): Buffer {
    const parsed = parseBytesEnvelope(envelope);
    if (!parsed) throw new VaultCryptoError('not encrypted bytes');
    const entry = this.dataKeys.get(parsed.keyId);
    if (entry?.purpose !== 'encryption') throw new VaultCryptoError(`unknown data key ${parsed.keyId}`);
    return open(entry.key, parsed.sealed, valueContext(parsed.keyId, context));
  }

  /** Are these bytes an envelope of this vault, naming one of its data keys (as opposed to a file still in clear)? */
  isEncryptedBytes(bytes: Buffer): boolean {
    const parsed = parseBytesEnvelope(bytes);
    return parsed !== undefined && this.dataKeys.get(parsed.keyId)?.purpose === 'encryption';
  }

  /**
   * A keyed hash of `value` for lookups by equality (e.g. a tax id stored encrypted): base64url
   * HMAC-SHA-256 with the lookup key, separated by `domain` (the field it indexes), so the same
   * value in two fields hashes differently. Stable across master key rotations.
   */
  lookupHash(value: string, domain: string): string {
    const key = this.dataKeys.get(this.activeKey.lookup)?.key as Buffer;
    return hmac(key, `${domain}\u0000${value}`).toString('base64url');
  }

  /** The data keys and the master key wrapping each. */
  async status(db: Db): Promise<VaultKeyStatus[]> {
    return (await repo.all(db)).map((r) => this.describe(r));
  }

  /**
   * Re-wraps every data key not yet wrapped by the current master key (rotation), each row
   * compare-and-set so concurrent rotations do not clash. Encrypted values are not touched.
   */
  async rewrapAll(database: Database): Promise<RotationResult> {
    let rewrapped = 0;
    await ownTransaction(database, async (tx) => {
      rewrapped = 0;
      for (const row of await repo.all(tx)) {
        if (row.masterKeyId === this.masterKeyId) continue;
        const key = this.dataKeys.get(row.id)?.key ?? unwrap(row, this.masters, this.masterKeyId);
        const wrappedKey = seal(this.currentMaster, key, wrapContext(row.id, row.purpose)).toString('base64url');
        if (await repo.rewrap(tx, row.id, row.wrappedKey, { masterKeyId: this.masterKeyId, wrappedKey, at: this.now() })) rewrapped++;
      }
    });
    return { master_key_id: this.masterKeyId, rewrapped, keys: await this.status(database.db) };
  }

  private get currentMaster(): Buffer {
    return this.masters.get(this.masterKeyId) as Buffer;
  }

  private describe(r: VaultKeyRow): VaultKeyStatus {
    return {
      id: r.id,
      purpose: r.purpose,
      active: r.active,
      master_key_id: r.masterKeyId,
      current: r.masterKeyId === this.masterKeyId,
      created_at: r.createdAt.toISOString(),
      rewrapped_at: r.rewrappedAt?.toISOString() ?? null,
    };
  }
}

function unwrap(row: VaultKeyRow, masters: Map<string, Buffer>, currentId: string): Buffer {
  const master = masters.get(row.masterKeyId);
  if (!master) {
    throw new ConfigError(
      'LEDGERLINE_MASTER_KEY',
      `cannot open the vault: data key ${row.id} is wrapped by master key ${row.masterKeyId}, which is neither ` +
        `LEDGERLINE_MASTER_KEY (${currentId}) nor one of LEDGERLINE_PREVIOUS_MASTER_KEYS. Start with the master key this ` +
        'database was set up with (in the sandbox: DATA_DIR/master.key), or with it among the previous keys to rotate.',
    );
  }
  try {
    return open(master, Buffer.from(row.wrappedKey, 'base64url'), wrapContext(row.id, row.purpose));
  } catch (err) {
    if (err instanceof VaultCryptoError) {
      throw new ConfigError('LEDGERLINE_MASTER_KEY', `cannot open the vault: data key ${row.id} does not unwrap (altered?).`);
    }
    throw err;
  }
}
