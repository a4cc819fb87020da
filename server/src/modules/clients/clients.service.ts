import type { Db } from '../../db/client.js';
import type { Clock } from '../../shared/clock.js';
import { type Context, onCommitted, type WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId, newSecret } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { ReadThroughCache } from '../../shared/read-through-cache.js';
import { ALL_SCOPES, GRANTED_SCOPES, type Scope, TENANT_SCOPES } from '../../shared/scopes.js';
import { hashSecret, verifySecret } from '../../shared/secrets.js';
import { type ClientRow, clientsRepository } from './clients.repository.js';

export interface ClientView {
  client_id: string;
  name: string;
  regulated: boolean;
  scopes: string[];
  signing_required: boolean;
  exchange_spread_bps: number;
  api_version: string;
  created_at: string;
  updated_at: string;
}

export function toView(row: ClientRow): ClientView {
  return {
    client_id: row.id,
    name: row.name,
    regulated: row.regulated,
    scopes: row.scopes,
    signing_required: row.signingRequired,
    exchange_spread_bps: row.exchangeSpreadBps,
    api_version: row.apiVersion,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function checkScopes(scopes: string[], allowAdmin: boolean): Scope[] {
  const allowed: readonly string[] = allowAdmin ? ALL_SCOPES : [...TENANT_SCOPES, ...GRANTED_SCOPES];
  const bad = scopes.filter((s) => !allowed.includes(s));
  if (bad.length) {
    throw AppError.many(
      bad.map((s) => ({ code: 'VALIDATION_ERROR' as const, description: `Unknown or reserved scope "${s}".`, field: 'scopes' })),
    );
  }
  return [...new Set(scopes)] as Scope[];
}

export interface CreateClientInput {
  name: string;
  regulated?: boolean | undefined;
  scopes?: string[] | undefined;
  signing_required?: boolean | undefined;
  exchange_spread_bps?: number | undefined;
  /** The Layer2 API version its answers are shaped for (validated by the route); default 1.1.2. */
  api_version?: string | undefined;
}

/** How long a client row read for authentication may be reused by this process. */
export const CLIENT_CACHE_MS = 1000;

/**
 * Clients (tenants) and the operator. The operator's use cases (create, update, rotate…) run in a
 * request's context; authentication (`find`, `authenticate`) and boot (`ensureOperator`) are the
 * platform's and read through the pool.
 */
export class ClientsService {
  /**
   * Every request authenticates its client: a row read in the last second is reused. Writes made
   * through this process drop their entry at once; other processes see them within a second
   * (a scope change, a rotation, a sandbox clock move).
   */
  private readonly cache = new ReadThroughCache<ClientRow | undefined>(CLIENT_CACHE_MS);

  constructor(
    private readonly db: Db,
    /** Real time: token issue times are compared with a rotation's. */
    private readonly clock: Clock,
  ) {}

  /** Drops this process's cached row of a client (after a write made outside this service). */
  forget(id: string): void {
    this.cache.forget(id);
  }

  /**
   * Drops the cached row of a client ctx writes once ctx's unit has committed: dropped before, a
   * request authenticating in between would cache the old row again for a second.
   */
  private forgetWritten(ctx: WriteContext, id: string): void {
    onCommitted(ctx, () => this.forget(id));
  }

  async create(ctx: WriteContext, input: CreateClientInput): Promise<ClientView & { client_secret: string }> {
    const secret = newSecret();
    const now = ctx.now;
    const row = await clientsRepository.insert(ctx.tx, {
      id: newId('client'),
      name: input.name,
      secretHash: await hashSecret(secret),
      regulated: input.regulated ?? false,
      scopes: checkScopes(input.scopes ?? [...TENANT_SCOPES], false),
      signingRequired: input.signing_required ?? false,
      exchangeSpreadBps: input.exchange_spread_bps ?? 0,
      ...(input.api_version !== undefined && { apiVersion: input.api_version }),
      isOperator: false,
      tokensValidAfter: new Date(0),
      createdAt: now,
      updatedAt: now,
    });
    return { ...toView(row), client_secret: secret };
  }

  /** The tenants, newest first, a page at a time (either style); `regulated` filters. */
  async list(ctx: Context, query: RawPageQuery & { regulated?: 'true' | 'false' | undefined }, basePath: string) {
    const page = parsePageQuery(query);
    const regulated = query.regulated === undefined ? undefined : query.regulated === 'true';
    const { rows, total } = await clientsRepository.listPage(ctx.db, { regulated }, page);
    const result = buildPage(page, rows, total, basePath, { regulated: query.regulated });
    return { ...result, items: result.items.map(toView) };
  }

  async get(ctx: Context, id: string): Promise<ClientRow> {
    const row = await clientsRepository.find(ctx.db, id);
    if (!row || row.isOperator) throw notFound('Client', 'client_id');
    return row;
  }

  async update(
    ctx: WriteContext,
    id: string,
    patch: {
      name?: string | undefined;
      regulated?: boolean | undefined;
      scopes?: string[] | undefined;
      signing_required?: boolean | undefined;
      exchange_spread_bps?: number | undefined;
      api_version?: string | undefined;
    },
  ): Promise<ClientView> {
    await this.get(ctx, id);
    this.forgetWritten(ctx, id);
    const row = await clientsRepository.update(ctx.tx, id, {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.regulated !== undefined && { regulated: patch.regulated }),
      ...(patch.scopes !== undefined && { scopes: checkScopes(patch.scopes, false) }),
      ...(patch.signing_required !== undefined && { signingRequired: patch.signing_required }),
      ...(patch.exchange_spread_bps !== undefined && { exchangeSpreadBps: patch.exchange_spread_bps }),
      ...(patch.api_version !== undefined && { apiVersion: patch.api_version }),
      updatedAt: ctx.now,
    });
    return toView(row as ClientRow);
  }

  /** A new secret; the old one stops working at once, and so do tokens issued before now. */
  async rotateSecret(ctx: WriteContext, id: string): Promise<ClientView & { client_secret: string }> {
    await this.get(ctx, id);
    this.forgetWritten(ctx, id);
    const secret = newSecret();
    const now = this.clock.now();
    const row = await clientsRepository.update(ctx.tx, id, {
      secretHash: await hashSecret(secret),
      tokensValidAfter: now,
      updatedAt: now,
    });
    return { ...toView(row as ClientRow), client_secret: secret };
  }

  /** Client credentials check for the token endpoint. Undefined when they do not match. */
  async authenticate(id: string, secret: string): Promise<ClientRow | undefined> {
    const row = await clientsRepository.find(this.db, id);
    if (!row) {
      await hashSecret(secret); // same work either way: do not reveal which ids exist by timing
      return undefined;
    }
    return (await verifySecret(secret, row.secretHash)) ? row : undefined;
  }

  find(id: string): Promise<ClientRow | undefined> {
    return this.cache.get(id, () => clientsRepository.find(this.db, id));
  }

  /**
   * The operator (CONTRACT §1): from OPERATOR_CLIENT_ID/SECRET when given (the stored secret follows
   * the configured one), otherwise generated once. Returns the secret only when it was generated.
   */
  async ensureOperator(configured?: { id: string; secret: string }): Promise<{ id: string; generatedSecret?: string }> {
    const now = this.clock.now();
    const existing = await clientsRepository.findOperator(this.db);
    if (configured) {
      const row = await clientsRepository.find(this.db, configured.id);
      if (row && !row.isOperator) {
        throw new Error(`OPERATOR_CLIENT_ID ${configured.id} is already the id of a tenant client`);
      }
      if (existing && existing.id !== configured.id) {
        // The configured operator replaces the previous one.
        await clientsRepository.update(this.db, existing.id, { isOperator: false, scopes: [], tokensValidAfter: now, updatedAt: now });
      }
      if (!row) {
        await clientsRepository.insert(this.db, {
          id: configured.id,
          name: 'Platform operator',
          secretHash: await hashSecret(configured.secret),
          regulated: true,
          scopes: [...ALL_SCOPES],
          signingRequired: false,
          isOperator: true,
          tokensValidAfter: new Date(0),
          createdAt: now,
          updatedAt: now,
        });
      } else if (!(await verifySecret(configured.secret, row.secretHash))) {
        await clientsRepository.update(this.db, row.id, {
          secretHash: await hashSecret(configured.secret),
          scopes: [...ALL_SCOPES],
          updatedAt: now,
        });
      }
      return { id: configured.id };
    }
    if (existing) return { id: existing.id };
    const secret = newSecret();
    const id = newId('client').replace(/^cli_/, 'op_');
    await clientsRepository.insert(this.db, {
      id,
      name: 'Platform operator',
      secretHash: await hashSecret(secret),
      regulated: true,
      scopes: [...ALL_SCOPES],
      signingRequired: false,
      isOperator: true,
      tokensValidAfter: new Date(0),
      createdAt: now,
      updatedAt: now,
    });
    return { id, generatedSecret: secret };
  }

  /** Clients whose sandbox clock runs ahead of real time, with their offsets. */
  async withClockOffsets(): Promise<{ clientId: string; offsetMs: number }[]> {
    return clientsRepository.withClockOffsets(this.db);
  }

  /** Moves the tenant's sandbox clock forward (CONTRACT §10); returns its new business time. */
  async advanceClock(ctx: WriteContext, seconds: number): Promise<Date> {
    const offsetMs = await clientsRepository.advanceClock(ctx.tx, ctx.tenantId, seconds * 1000);
    this.forgetWritten(ctx, ctx.tenantId);
    // ctx.now is real (or test) time plus the offset the request started with.
    return new Date(ctx.now.getTime() - ctx.tenant.sandboxClockOffsetMs + offsetMs);
  }

  async hasTenants(): Promise<boolean> {
    return (await clientsRepository.countTenants(this.db)) > 0;
  }
}
