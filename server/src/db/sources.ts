import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * SQL that is code, not schema: the PL/pgSQL functions of the modules that own them (the ledger's,
 * a movement's one-round-trip use cases). Each file is the function's one source; migrate() applies
 * it after the migrations whenever its checksum differs from the one recorded in schema_sources.
 * Order matters where one file calls another's functions at definition time (PL/pgSQL does not).
 */
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SQL_SOURCES = ['modules/ledger/ledger.sql', 'modules/events/events.sql', 'modules/transfers/transfers.sql'] as const;

export interface SqlSource {
  name: string;
  sql: string;
  checksum: string;
}

export function listSqlSources(names: readonly string[] = SQL_SOURCES): SqlSource[] {
  return names.map((name) => {
    const sql = readFileSync(join(SRC, name), 'utf8');
    return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}
