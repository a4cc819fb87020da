import { Type } from 'typebox';
import type { Db, Tx } from '../../db/client.js';
import type { AuthContext } from '../../platform/auth/plugin.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { encryptStoredPersonal, fieldKey, holdsPersonal, openPersonal, sealPersonal } from '../../platform/vault/personal-data.js';
import { newId } from '../../shared/ids.js';
import { buildPage, type PageResult, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { historyRepository } from './history.repository.js';

/**
 * Change history (CONTRACT §4): one row per changed field, with who (client or operator),
 * `updated_by`, `reason`, before, after and when.
 */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ChangeMeta {
  auth: AuthContext;
  updatedBy?: string | undefined;
  reason?: string | undefined;
  at: Date;
  /**
   * The vault, for changes holding personal identifiers (tax reference or passport numbers):
   * those values are stored encrypted (CONTRACT §17). Without it such a change is refused.
   */
  box?: SecretBox | undefined;
}

/** The encryption context of a history row's personal values. */
const historyContext = (clientId: string, id: string) => `resource_history:${clientId}:${id}`;

export async function writeHistory(
  tx: Tx,
  resourceType: string,
  resourceId: string,
  changes: FieldChange[],
  meta: ChangeMeta,
): Promise<void> {
  if (!changes.length) return;
  const clientId = meta.auth.tenantId;
  await historyRepository.insert(
    tx,
    changes.map((c) => {
      const id = newId('history');
      const key = fieldKey(c.field);
      const personal = holdsPersonal(c.before, key) || holdsPersonal(c.after, key);
      if (personal && !meta.box) throw new Error(`history of ${resourceType} ${c.field}: personal data needs the vault`);
      const stored = (v: unknown) => {
        if (v === undefined) return null;
        return personal && meta.box ? sealPersonal(meta.box, v, historyContext(clientId, id), { key }) : v;
      };
      return {
        clientId,
        id,
        resourceType,
        resourceId,
        field: c.field,
        before: stored(c.before),
        after: stored(c.after),
        actorClientId: meta.auth.caller.id,
        actorType: meta.auth.operator ? ('operator' as const) : ('client' as const),
        updatedBy: meta.updatedBy ?? null,
        reason: meta.reason ?? null,
        createdAt: meta.at,
      };
    }),
  );
}

/** A change the platform makes on its own (a sweep), to one field of one client's resource. */
export interface PlatformChange extends FieldChange {
  clientId: string;
  resourceType: string;
  resourceId: string;
}

/**
 * Changes the platform makes on its own, as the operator (`updated_by` "platform"), e.g. dormancy.
 * Their values are statuses: personal identifiers go through writeHistory and the vault.
 */
export async function writePlatformHistory(tx: Tx, changes: readonly PlatformChange[], meta: { reason: string; at: Date }): Promise<void> {
  for (const c of changes) {
    if (holdsPersonal(c.before, fieldKey(c.field)) || holdsPersonal(c.after, fieldKey(c.field))) {
      throw new Error(`platform history of ${c.resourceType} ${c.field}: personal data needs writeHistory and the vault`);
    }
  }
  await historyRepository.insert(
    tx,
    changes.map((c) => ({
      clientId: c.clientId,
      id: newId('history'),
      resourceType: c.resourceType,
      resourceId: c.resourceId,
      field: c.field,
      before: c.before,
      after: c.after,
      actorClientId: c.clientId,
      actorType: 'operator' as const,
      updatedBy: 'platform',
      reason: meta.reason,
      createdAt: meta.at,
    })),
  );
}

export interface HistoryView {
  id: string;
  field: string;
  before: unknown;
  after: unknown;
  actor: { type: 'client' | 'operator'; client_id: string };
  updated_by: string | null;
  reason: string | null;
  created_at: string;
}

/** One page of a resource's history, newest first by default (both pagination styles). */
export async function historyPage(
  db: Db,
  clientId: string,
  resourceType: string,
  resourceId: string,
  query: RawPageQuery,
  basePath: string,
  /** Personal identifiers: decrypted when `reveal`, masked otherwise (always masked without a box). */
  personal: { box?: SecretBox | undefined; reveal: boolean } = { reveal: false },
): Promise<PageResult<HistoryView>> {
  const page = parsePageQuery(query);
  const { rows, total } = await historyRepository.page(db, clientId, resourceType, resourceId, page);
  const result = buildPage(page, rows, total, basePath, {});
  return {
    ...result,
    items: result.items.map((r) => ({
      id: r.id,
      field: r.field,
      before: openPersonal(personal.box, r.before, historyContext(clientId, r.id), { key: fieldKey(r.field), reveal: personal.reveal }),
      after: openPersonal(personal.box, r.after, historyContext(clientId, r.id), { key: fieldKey(r.field), reveal: personal.reveal }),
      actor: { type: r.actorType, client_id: r.actorClientId },
      updated_by: r.updatedBy,
      reason: r.reason,
      created_at: r.createdAt.toISOString(),
    })),
  };
}

/** A history entry on the wire (GET …/history of customers, accounts, counterparties, applications). */
export const HistoryEntry = Type.Object({
  id: Type.String(),
  field: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown({
    description:
      'Account numbers appear masked; so do tax reference and passport numbers (`*****` and the last 4 characters) unless the caller holds `customers:sensitive`.',
  }),
  actor: Type.Object({ type: Type.Union([Type.Literal('client'), Type.Literal('operator')]), client_id: Type.String() }),
  updated_by: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});

/** Encrypts the personal identifiers an earlier version stored in clear in history rows (at start). */
export function encryptStoredHistory(db: Db, box: SecretBox): Promise<number> {
  return encryptStoredPersonal(db, box, {
    table: 'resource_history',
    keys: ['client_id', 'id'],
    columns: ['before', 'after'],
    fieldColumn: 'field',
    context: (r) => historyContext(r.client_id as string, r.id as string),
  });
}
