import type { Ajv } from 'ajv';
import type { Tx } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { dropEchoedMasks, maskPersonal, mayReveal } from '../../platform/vault/personal-data.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { diffFields, type PatchBody, PatchEngine } from '../../shared/patch.js';
import { assertUpdatable, baseOf, checkTransition, isL2f, isStatus, type Status } from '../../shared/status.js';
import { lockCustomer } from '../customers/index.js';
import { statusEventType, writeEvents } from '../events/index.js';
import { type FieldChange, historyPage, writeHistory } from '../history/index.js';
import { editableOnceScreened, finalize, unmask, withAliases } from './counterparties.patch.js';
import { type CounterpartyRow, sealedCounterpartiesRepository } from './counterparties.repository.js';
import { checkCounterparty, maskChange } from './counterparties.rules.js';
import { type CounterpartyType, type CreateCounterpartyBodyT, createBodyValidator, DETAILS } from './counterparties.schemas.js';
import { derivedColumns, view, visibleDetails, withHidden } from './counterparties.view.js';

export type ScreeningResult = 'ACTIVE' | 'REJECTED' | 'EDD';
const SCREENED_TO: Record<ScreeningResult, Status> = { ACTIVE: 'ACTIVE', REJECTED: 'CLOSED', EDD: 'EDD' };

/**
 * Sandbox screening at creation (CONTRACT §10 magic values, as applications): a profile name
 * containing REJECT is rejected, REVIEW waits for POST /v1/simulations/counterparties/{id}/screening
 * (undefined), the word EDD puts it in EDD; anything else passes.
 */
export function sandboxScreening(name: string): ScreeningResult | undefined {
  const upper = name.toUpperCase();
  if (upper.includes('REJECT')) return 'REJECTED';
  if (upper.includes('REVIEW')) return undefined;
  if (/(^|[^A-Z0-9])EDD([^A-Z0-9]|$)/.test(upper)) return 'EDD';
  return 'ACTIVE';
}

/**
 * The tax reference number is answered masked: sent back masked (Layer2 form
 * `profile.tax_reference_number`, or the plain form's whole profile) it means "unchanged".
 */
function unmaskProfile(body: PatchBody, current: Record<string, unknown>): PatchBody {
  const profile = (current.profile ?? {}) as Record<string, unknown>;
  const out = dropEchoedMasks(body, profile, ['profile.']);
  const sent = out.profile as Record<string, unknown> | undefined;
  const stored = profile.tax_reference_number;
  if (sent && typeof sent === 'object' && typeof stored === 'string' && sent.tax_reference_number === maskPersonal(stored)) {
    return { ...out, profile: { ...sent, tax_reference_number: stored } };
  }
  return out;
}

export class CounterpartiesService {
  /** PATCH engines, compiled on first use per type (18 schemas need not slow the start). */
  private readonly engines = new Map<CounterpartyType, PatchEngine>();
  /** POST bodies: validated against their own type's schema (see createBodyValidator). */
  readonly validateCreateBody: ReturnType<typeof createBodyValidator>;

  /** Opens and seals the tax reference numbers of the details (CONTRACT §17). */
  private readonly repo: ReturnType<typeof sealedCounterpartiesRepository>;

  constructor(
    readonly ajv: Ajv,
    private readonly opts: { sandbox: boolean; box: SecretBox },
  ) {
    this.validateCreateBody = createBodyValidator(ajv);
    this.repo = sealedCounterpartiesRepository(opts.box);
  }

  private engine(type: CounterpartyType): PatchEngine {
    let engine = this.engines.get(type);
    if (!engine) {
      engine = new PatchEngine(this.ajv, { schema: DETAILS[type], hasStatus: true, ignored: ['created_at', 'updated_at'] });
      this.engines.set(type, engine);
    }
    return engine;
  }

  // ---- create ------------------------------------------------------------------------------

  async create(ctx: WriteContext, body: CreateCounterpartyBodyT) {
    const type = body.counterparty_type;
    const { customer_id, counterparty_type: _t, id: _i, status: _s, created_at: _c, updated_at: _u, ...rest } = body;
    const details = finalize(type, rest);
    const errors = checkCounterparty(type, details);
    if (errors.length) throw AppError.many(errors);
    const row = await (async (tx: Tx) => {
      const customer = await lockCustomer(tx, ctx.tenantId, customer_id);
      if (!customer) throw notFound('Customer', 'customer_id');
      const customerStatus = customer.status as Status;
      if (baseOf(customerStatus) === 'CLOSED') {
        throw new AppError('NOT_UPDATABLE', 'The customer is CLOSED: counterparties cannot be added to it.', 'customer_id');
      }
      if (isL2f(customerStatus) && !ctx.operator) {
        throw new AppError(
          'L2F_STATUS_RESERVED',
          `The customer is ${customerStatus}: it awaits action by the platform operator.`,
          'customer_id',
        );
      }
      const at = ctx.now;
      const created = await this.repo.insert(tx, {
        clientId: ctx.tenantId,
        id: newId('counterparty'),
        customerId: customer_id,
        counterpartyType: type,
        status: 'PENDING',
        ...derivedColumns(type, details),
        linked: false,
        details,
        link: null,
        createdAt: at,
        updatedAt: at,
      });
      await writeEvents(tx, [this.event(ctx, created.id, 'PENDING', at)]);
      if (!this.opts.sandbox) return created; // production: the operator decides (PATCH status)
      const outcome = sandboxScreening(String(details.profile.name));
      if (!outcome) return created; // REVIEW: waits for the simulation route
      return this.screen(tx, ctx, created, outcome, `sandbox screening at creation: ${outcome}`, at);
    })(ctx.tx);
    return view(row, mayReveal(ctx.scopes));
  }

  private event(ctx: Context, id: string, status: string, at: Date) {
    return {
      clientId: ctx.tenantId,
      eventType: statusEventType('COUNTERPARTY', status),
      resourceType: 'counterparty',
      resourceId: id,
      eventData: { counterparty: { id, status } },
      at,
    };
  }

  /** A screening decision on a PENDING counterparty: ACTIVE, EDD, or CLOSED (rejected). */
  private async screen(tx: Tx, ctx: WriteContext, row: CounterpartyRow, result: ScreeningResult, reason: string, at: Date) {
    const to = SCREENED_TO[result];
    const updated = await this.repo.update(tx, ctx.tenantId, row.id, { status: to, updatedAt: at });
    await writeHistory(tx, 'counterparty', row.id, [{ field: 'status', before: row.status, after: to }], {
      auth: ctx,
      updatedBy: 'screening',
      reason,
      at,
    });
    await writeEvents(tx, [this.event(ctx, row.id, to, at)]);
    return updated;
  }

  /**
   * Closing a customer closes its counterparties, in the customer's transaction and by the same
   * actor (so one held by the operator, _L2F, stops a client from closing the customer).
   */
  async closeForCustomer(tx: Tx, ctx: WriteContext, customerId: string, at: Date): Promise<void> {
    const owned = await this.repo.lockOfCustomer(tx, ctx.tenantId, customerId);
    for (const c of owned) {
      const from = c.status as Status;
      if (baseOf(from) === 'CLOSED' || !checkTransition(from, 'CLOSED', ctx, 'counterparty')) continue;
      await this.repo.update(tx, ctx.tenantId, c.id, { status: 'CLOSED', updatedAt: at });
      await writeHistory(tx, 'counterparty', c.id, [{ field: 'status', before: from, after: 'CLOSED' }], {
        auth: ctx,
        reason: 'customer closed',
        at,
      });
      await writeEvents(tx, [this.event(ctx, c.id, 'CLOSED', at)]);
    }
  }

  /** POST /v1/simulations/counterparties/{id}/screening (sandbox). */
  async simulateScreening(ctx: WriteContext, id: string, body: { result: ScreeningResult; reason?: string | undefined }) {
    const row = await (async (tx: Tx) => {
      const current = await this.repo.lock(tx, ctx.tenantId, id);
      if (!current) throw notFound('Counterparty', 'id');
      if (current.status !== 'PENDING') {
        throw new AppError(
          'INVALID_STATUS_TRANSITION',
          `Screening decides PENDING counterparties; this one is ${current.status}.`,
          'status',
        );
      }
      return this.screen(tx, ctx, current, body.result, body.reason ?? `sandbox screening: ${body.result}`, ctx.now);
    })(ctx.tx);
    return view(row, mayReveal(ctx.scopes));
  }

  // ---- read --------------------------------------------------------------------------------

  async get(ctx: Context, id: string) {
    const row = await this.repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Counterparty', 'id');
    return view(row, mayReveal(ctx.scopes));
  }

  async list(ctx: Context, query: RawPageQuery & { customer_id?: string; counterparty_type?: string; status?: string }, basePath: string) {
    const page = parsePageQuery(query);
    const { rows, total } = await this.repo.list(
      ctx.db,
      ctx.tenantId,
      { customerId: query.customer_id, type: query.counterparty_type, status: query.status },
      page,
    );
    const result = buildPage(page, rows, total, basePath, {
      customer_id: query.customer_id,
      counterparty_type: query.counterparty_type,
      status: query.status,
    });
    return { ...result, items: result.items.map((r) => view(r, mayReveal(ctx.scopes))) };
  }

  async history(ctx: Context, id: string, query: RawPageQuery, basePath: string) {
    if (!(await this.repo.find(ctx.db, ctx.tenantId, id))) throw notFound('Counterparty', 'id');
    return historyPage(ctx.db, ctx.tenantId, 'counterparty', id, query, basePath, { box: this.opts.box, reveal: mayReveal(ctx.scopes) });
  }

  // ---- update ------------------------------------------------------------------------------

  async update(ctx: WriteContext, id: string, body: PatchBody) {
    const row = await (async (tx: Tx) => {
      const current = await this.repo.lock(tx, ctx.tenantId, id);
      if (!current) throw notFound('Counterparty', 'id');
      const from = current.status as Status;
      assertUpdatable(from, ctx, 'counterparty');
      const type = current.counterpartyType as CounterpartyType;
      const before = visibleDetails(type, current.details);
      const patch = this.engine(type).prepare(before, unmaskProfile(unmask(withAliases(body), before), before), {
        id: current.id,
        customer_id: current.customerId,
        counterparty_type: type,
      });
      const after = finalize(type, patch.details, before);
      const changes = diffFields(before, after);

      if (baseOf(from) !== 'PENDING') {
        const refused = changes.filter((c) => !editableOnceScreened(c.field));
        if (refused.length) {
          throw AppError.many(
            refused.map((c) => ({
              code: 'NOT_UPDATABLE' as const,
              description: `${c.field} cannot change once the counterparty has passed screening (it is ${from}): register a new counterparty instead.`,
              field: c.field,
            })),
          );
        }
      }
      const errors = checkCounterparty(type, after);
      if (errors.length) throw AppError.many(errors);

      let to = from;
      if (patch.status !== undefined) {
        if (!isStatus(patch.status)) throw new AppError('VALIDATION_ERROR', `Unknown status ${patch.status}.`, 'status');
        to = patch.status;
      }
      const statusChanged = checkTransition(from, to, ctx, 'counterparty');
      if (statusChanged && baseOf(from) === 'PENDING' && baseOf(to) !== 'CLOSED' && !ctx.operator) {
        throw new AppError(
          'FORBIDDEN',
          'A PENDING counterparty awaits screening: only the screening (the platform operator, or in sandbox POST /v1/simulations/counterparties/{id}/screening) can clear it. The client may close it.',
          'status',
        );
      }
      if (!statusChanged && !changes.length) return current;

      const at = ctx.now;
      const details = withHidden(type, after, current.details);
      const updated = await this.repo.update(tx, ctx.tenantId, id, {
        status: to,
        details,
        ...derivedColumns(type, details),
        updatedAt: at,
      });
      const recorded: FieldChange[] = [
        ...(statusChanged ? [{ field: 'status', before: from, after: to }] : []),
        ...changes.map(maskChange),
      ];
      await writeHistory(tx, 'counterparty', id, recorded, {
        auth: ctx,
        updatedBy: patch.updatedBy,
        reason: patch.reason,
        at,
        box: this.opts.box,
      });
      if (statusChanged) await writeEvents(tx, [this.event(ctx, id, to, at)]);
      return updated;
    })(ctx.tx);
    return view(row, mayReveal(ctx.scopes));
  }
}
