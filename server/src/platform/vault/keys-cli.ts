/**
 * `npm run keys -- status | rotate` (CONTRACT §17): the vault's data keys, and master key rotation
 * from the command line. Rotation: start with the new key in LEDGERLINE_MASTER_KEY and the old one
 * in LEDGERLINE_PREVIOUS_MASTER_KEYS, run `rotate`, then drop the old key from the environment.
 * The embedded database admits one process: while the server runs, use POST /v1/admin/keys/rotate.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/client.js';
import { resolveMasterKey } from './master-key.js';
import { Vault } from './vault.js';

export async function keysCommand(command: string, env: Record<string, string | undefined> = process.env): Promise<unknown> {
  if (command !== 'status' && command !== 'rotate') throw new Error(`unknown command "${command}": use status or rotate`);
  const config = loadConfig(env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    const vault = await Vault.open(database.db, {
      masterKey: resolveMasterKey(config).key,
      previousMasterKeys: config.previousMasterKeys,
      now: () => new Date(),
    });
    if (command === 'rotate') return await vault.rewrapAll(database);
    return { master_key_id: vault.masterKeyId, keys: await vault.status(database.db) };
  } finally {
    await database.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  keysCommand(process.argv[2] ?? 'status').then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (err) => {
      console.error(err instanceof ConfigError ? err.message : err);
      process.exit(err instanceof ConfigError ? 78 : 1);
    },
  );
}
