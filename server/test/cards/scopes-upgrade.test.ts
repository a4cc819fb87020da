/**
 * Upgrading (migration 0041): clients made before cards existed get what a new client gets — a
 * tenant holding every default scope of the time gains cards:read and cards:write, a restricted
 * one stays as it is, the operator gains every card scope.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { listMigrations, migrate } from '../../src/db/migrate.js';

const OLD_DEFAULTS = [
  'customers:read',
  'customers:write',
  'accounts:read',
  'accounts:write',
  'applications:read',
  'applications:write',
  'deposits:read',
  'deposits:write',
  'withdrawals:read',
  'withdrawals:write',
  'transfers:read',
  'transfers:write',
  'exchanges:read',
  'exchanges:write',
  'settlements:read',
  'subscriptions:read',
  'subscriptions:write',
  'adjustments:read',
  'adjustments:write',
  'payments:read',
  'payments:write',
];

describe('migration 0041: card scopes for existing clients', () => {
  it('defaults gain cards:read/write, restricted clients do not, the operator gains all three', async () => {
    const database = await openDatabase({});
    try {
      await migrate(
        database,
        listMigrations().filter((m) => m.version < '0041'),
      );
      await database.rawTransaction(async (s) => {
        const insert = (id: string, scopes: string[], operator: boolean) =>
          s.query(
            `INSERT INTO clients (id, name, secret_hash, regulated, scopes, signing_required, is_operator, tokens_valid_after, created_at, updated_at)
             VALUES ($1, $1, 'x', true, $2::text[], false, $3, now(), now(), now())`,
            [id, `{${scopes.join(',')}}`, operator],
          );
        await insert('old-default', OLD_DEFAULTS, false);
        await insert('restricted', ['customers:read'], false);
        await insert('old-operator', [...OLD_DEFAULTS, 'admin'], true);
      });
      await migrate(database, listMigrations());
      const rows = await database.rawTransaction((s) =>
        s.query<{ id: string; scopes: string[] }>('SELECT id, scopes FROM clients ORDER BY id'),
      );
      const scopes = Object.fromEntries(rows.map((r) => [r.id, r.scopes]));
      expect(scopes['old-default']).toEqual([...OLD_DEFAULTS, 'cards:read', 'cards:write']);
      expect(scopes.restricted).toEqual(['customers:read']);
      expect(scopes['old-operator']).toEqual([...OLD_DEFAULTS, 'admin', 'cards:read', 'cards:write', 'cards:sensitive']);
    } finally {
      await database.close();
    }
  });
});
