/**
 * One owner per table (DESIGN.md): a module writes only its own tables, through its repository
 * (or its SQL source file); other modules call its index.ts. The platform (src/platform, src/db,
 * src/jobs) owns the pipeline's tables. Checked on the sources: every INSERT, UPDATE and DELETE —
 * drizzle's insert/update/delete of a table (or of a local alias of one) and literal SQL in
 * TypeScript or .sql files — must be in a file of the table's owner.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Every table and its owner: a module (its folder under src/modules) or the platform. */
const OWNER: Record<string, string> = {
  accounts: 'accounts',
  address_leases: 'accounts',
  adjustments: 'adjustments',
  application_access_codes: 'applications',
  application_individuals: 'applications',
  applications: 'applications',
  card_authorization_webhooks: 'cards',
  card_authorizations: 'cards',
  card_refunds: 'cards',
  cards: 'cards',
  client_catalogue: 'catalogue',
  clients: 'clients',
  counterparties: 'counterparties',
  customer_individuals: 'customers',
  customers: 'customers',
  deposits: 'deposits',
  incoming_funds: 'deposits',
  document_files: 'documents',
  documents: 'documents',
  event_listeners: 'event-listeners',
  event_outbox: 'events',
  events: 'events',
  exchanges: 'exchanges',
  fx_rates: 'exchanges',
  idempotency_keys: 'platform',
  ledger_accounts: 'ledger',
  ledger_entries: 'ledger',
  ledger_holds: 'ledger',
  ledger_transactions: 'ledger',
  payments: 'payments',
  payors: 'payors',
  platform_settings: 'platform',
  resource_history: 'history',
  schema_migrations: 'platform',
  schema_sources: 'platform',
  signature_uses: 'signing-keys',
  signing_keys: 'signing-keys',
  subscriptions: 'webhooks',
  transfers: 'transfers',
  vault_keys: 'platform',
  virtual_accounts: 'virtual-accounts',
  webhook_attempts: 'webhooks',
  webhook_deliveries: 'webhooks',
  withdrawals: 'withdrawals',
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return (path.endsWith('.ts') && !path.endsWith('.test.ts')) || path.endsWith('.sql') ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ path: relative(SRC, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));

/** drizzle's table objects by their TypeScript name (pgTable('sql_name', …)), from every source. */
const TABLE_OF_IDENT = new Map<string, string>();
for (const { text } of sources) {
  for (const m of text.matchAll(/export const (\w+) = pgTable\(\s*'(\w+)'/g)) TABLE_OF_IDENT.set(m[1] as string, m[2] as string);
}

/** The owner of a source file: its module, or the platform. */
const ownerOf = (path: string) => /^modules\/([^/]+)\//.exec(path)?.[1] ?? 'platform';

/** The tables a source writes. */
function writes(text: string): Set<string> {
  const tables = new Set<string>();
  const aliases = new Map(TABLE_OF_IDENT);
  for (const m of text.matchAll(/const (\w+) = (\w+);/g)) {
    const table = TABLE_OF_IDENT.get(m[2] as string);
    if (table) aliases.set(m[1] as string, table);
  }
  for (const m of text.matchAll(/\.(?:insert|update|delete)\(\s*(\w+)\s*\)/g)) {
    const table = aliases.get(m[1] as string);
    if (table) tables.add(table);
  }
  for (const m of text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?([a-z_]+)\b/g)) {
    if ((m[1] as string) in OWNER) tables.add(m[1] as string);
  }
  return tables;
}

const found = sources.flatMap(({ path, text }) => [...writes(text)].map((table) => ({ path, table })));

describe('one owner per table', () => {
  it('knows every table the drizzle schema declares, and finds writes', () => {
    for (const table of TABLE_OF_IDENT.values()) expect(OWNER, `no owner named for ${table}`).toHaveProperty(table);
    expect(TABLE_OF_IDENT.size).toBeGreaterThan(30);
    expect(found.some((w) => w.path === 'modules/ledger/ledger.sql' && w.table === 'ledger_transactions')).toBe(true);
    expect(found.some((w) => w.path === 'modules/webhooks/webhooks.repository.ts' && w.table === 'webhook_deliveries')).toBe(true);
  });

  it('no source writes a table of another owner', () => {
    const foreign = found.filter(({ path, table }) => OWNER[table] !== ownerOf(path)).map(({ path, table }) => `${path} writes ${table}`);
    expect(foreign).toEqual([]);
  });

  it('a module writes its tables through its repository or its SQL source', () => {
    const outside = [
      ...new Set(
        found.filter(({ path }) => ownerOf(path) !== 'platform' && !/\.repository\.ts$|\.sql$/.test(path)).map(({ path }) => path),
      ),
    ].sort();
    expect(outside).toEqual([]);
  });
});
