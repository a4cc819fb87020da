import { eq } from 'drizzle-orm';
import { Type } from 'typebox';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { resourceHistory } from '../../db/schema.js';
import type { AuthContext } from '../../platform/auth/plugin.js';
import { newId } from '../../shared/ids.js';
import { buildPage, type PageResult, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';

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
}

export async function writeHistory(
  tx: Tx,
  resourceType: string,
  resourceId: string,
  changes: FieldChange[],
  meta: ChangeMeta,
): Promise<void> {
  if (!changes.length) return;
  await tx.insert(resourceHistory).values(
    changes.map((c) => ({
      clientId: meta.auth.tenantId,
      id: newId('history'),
      resourceType,
      resourceId,
      field: c.field,
      before: c.before === undefined ? null : c.before,
      after: c.after === undefined ? null : c.after,
      actorClientId: meta.auth.caller.id,
      actorType: meta.auth.operator ? ('operator' as const) : ('client' as const),
      updatedBy: meta.updatedBy ?? null,
      reason: meta.reason ?? null,
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
): Promise<PageResult<HistoryView>> {
  const page = parsePageQuery(query);
  const { rows, total } = await fetchPage(
    db,
    resourceHistory,
    resourceHistory.seq,
    [eq(resourceHistory.clientId, clientId), eq(resourceHistory.resourceType, resourceType), eq(resourceHistory.resourceId, resourceId)],
    page,
  );
  const result = buildPage(page, rows, total, basePath, {});
  return {
    ...result,
    items: result.items.map((r) => ({
      id: r.id,
      field: r.field,
      before: r.before,
      after: r.after,
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
  after: Type.Unknown({ description: 'Account numbers appear masked.' }),
  actor: Type.Object({ type: Type.Union([Type.Literal('client'), Type.Literal('operator')]), client_id: Type.String() }),
  updated_by: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
});
