import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, ConfigError, parseKey } from '../../config/index.js';

/**
 * Where the master key comes from (CONTRACT §17): LEDGERLINE_MASTER_KEY; in the sandbox, when it
 * is unset, a key generated on first start and kept in DATA_DIR/master.key (readable by the owner
 * only, like sandbox-credentials.json). Production refuses to start without it (config).
 */
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKeySource {
  key: Buffer;
  /** The file it was read from or written to (sandbox only). */
  file?: string;
  created: boolean;
}

export function resolveMasterKey(config: Readonly<Config>): MasterKeySource {
  if (config.masterKey) return { key: config.masterKey, created: false };
  if (config.mode !== 'sandbox') throw new ConfigError('LEDGERLINE_MASTER_KEY', 'is required in production mode');
  return sandboxMasterKey(config.dataDir);
}

export function sandboxMasterKey(dataDir: string): MasterKeySource {
  const dir = resolve(dataDir);
  const file = join(dir, MASTER_KEY_FILE);
  mkdirSync(dir, { recursive: true });
  const generated = randomBytes(32).toString('hex');
  let created = true;
  try {
    writeFileSync(file, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false; // kept from an earlier start (or another process won the race)
  }
  const key = parseKey(readFileSync(file, 'utf8').trim());
  if (!key) throw new ConfigError('LEDGERLINE_MASTER_KEY', `is unset and ${file} does not hold a 32-byte key (hex or base64)`);
  return { key, file, created };
}
