import type { Ajv } from 'ajv';
import type { Static } from 'typebox';
import type { Db, Reader, Tx } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { dropEchoedMasks, encryptStoredPersonal, mayReveal, openPersonal, sealPersonal } from '../../platform/vault/personal-data.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type PatchBody, PatchEngine } from '../../shared/patch.js';
import { orderBySchema } from '../../shared/schema-order.js';
import { assertUpdatable, checkTransition, isStatus, type Status } from '../../shared/status.js';
import { statusEventType, writeEvents } from '../events/index.js';
import { historyPage, writeHistory } from '../history/index.js';
import { type CustomerRow, customersRepository, type IndividualRow } from './customers.repository.js';
import {
  CorporationDetails,
  type CreateCustomerBodyT,
  type CreateIndividualBodyT,
  type Customer,
  type Individual,
  IndividualDetails,
  IndividualDetailsOfCorporate,
  PersonDetails,
} from './customers.schemas.js';

export interface AccountSummary {
  id: string;
  asset_type_id: string;
  status: string;
}

/**
 * Extension points for modules that build on customers (accounts): they see status changes inside
 * the same transaction (to refuse them, e.g. NON_ZERO_BALANCE, or to cascade them) and supply the
 * `accounts` list of the representation.
 */
export interface CustomerHooks {
  onStatusChange?: (ctx: WriteContext, change: { customer: CustomerRow; from: Status; to: Status }) => Promise<void>;
  accountsOf?: (db: Reader, clientId: string, customerIds: string[]) => Promise<Map<string, AccountSummary[]>>;
}

const READ_ONLY_INDIVIDUAL_FIELDS = ['created_at', 'updated_at'] as const;
const INDIVIDUAL_KEYS = Object.keys(IndividualDetailsOfCorporate);

export type CustomerView = Static<typeof Customer>;
export type IndividualView = Static<typeof Individual>;

/**
 * Tax reference and passport numbers are stored encrypted (CONTRACT §17), each bound to its row:
 * rows are opened as they are read and sealed as they are written, so the use cases below work
 * on clear values and the tables never hold them.
 */
const customerContext = (clientId: string, id: string) => `customers.details:${clientId}:${id}`;
const individualContext = (clientId: string, id: string) => `customer_individuals.details:${clientId}:${id}`;

/** Encrypts the personal identifiers an earlier version stored in clear (at start, once the vault is open). */
export async function encryptStoredCustomers(db: Db, box: SecretBox): Promise<number> {
  const customers = await encryptStoredPersonal(db, box, {
    table: 'customers',
    keys: ['client_id', 'id'],
    columns: ['details'],
    context: (r) => customerContext(r.client_id as string, r.id as string),
  });
  const individuals = await encryptStoredPersonal(db, box, {
    table: 'customer_individuals',
    keys: ['client_id', 'id'],
    columns: ['details'],
    context: (r) => individualContext(r.client_id as string, r.id as string),
  });
  return customers + individuals;
}

/** Stored details were validated with the resource schema on every write: the casts are safe. */
function individualView(row: IndividualRow, reveal: boolean): IndividualView {
  const details = reveal ? row.details : openPersonal(undefined, row.details, '', { reveal: false });
  return {
    id: row.id,
    customer_id: row.customerId,
    ...(orderBySchema(details, PersonDetails) as Omit<IndividualView, 'id' | 'customer_id' | 'created_at' | 'updated_at'>),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function ownershipError(total: number) {
  return new AppError(
    'VALIDATION_ERROR',
    `The individuals' percentage_ownership would total ${total}%, more than 100%.`,
    'percentage_ownership',
  );
}

export class CustomersService {
  private readonly individualPatch: PatchEngine;
  private readonly customerPatch: Record<'INDIVIDUAL' | 'CORPORATION', PatchEngine>;

  constructor(
    ajv: Ajv,
    private readonly hooks: CustomerHooks,
    /** The vault: personal identifiers at rest. */
    private readonly box: SecretBox,
  ) {
    const common = {
      hasStatus: true,
      ignored: ['created_at', 'updated_at', 'accounts', 'individuals'],
      pathPrefixes: ['customer_details.'],
    };
    this.customerPatch = {
      INDIVIDUAL: new PatchEngine(ajv, {
        ...common,
        schema: IndividualDetails,
        aliases: { email: { to: 'email_address' }, phone: { to: 'telephone_number' }, address: { to: 'mailing_address' } },
      }),
      CORPORATION: new PatchEngine(ajv, {
        ...common,
        schema: CorporationDetails,
        aliases: { email: { to: 'email_address' }, phone: { to: 'telephone_number' }, address: { to: 'registered_address' } },
      }),
    };
    this.individualPatch = new PatchEngine(ajv, {
      schema: PersonDetails,
      ignored: READ_ONLY_INDIVIDUAL_FIELDS,
      aliases: {
        email: { to: 'email_address' },
        phone: { to: 'telephone_number' },
        address: { to: 'mailing_address' },
        role: { to: 'individual_type', map: (v) => (Array.isArray(v) ? v : [v]) },
        ownership_percentage: { to: 'percentage_ownership' },
      },
    });
  }

  // ---- at rest -----------------------------------------------------------------------------

  /** A stored row with its personal identifiers decrypted (for use cases; views mask them). */
  private opened<R extends CustomerRow | IndividualRow | undefined>(row: R): R {
    if (!row) return row;
    const context = 'customerType' in row ? customerContext(row.clientId, row.id) : individualContext(row.clientId, row.id);
    return { ...row, details: openPersonal(this.box, row.details, context, { reveal: true }) };
  }

  private sealed(context: string, details: Record<string, unknown>): Record<string, unknown> {
    return sealPersonal(this.box, details, context);
  }

  // ---- representation ----------------------------------------------------------------------

  /** Rows as stored (encrypted); `reveal` answers personal identifiers in clear, otherwise masked. */
  private async views(db: Reader, stored: CustomerRow[], clientId: string, reveal: boolean): Promise<CustomerView[]> {
    const rows = stored.map((r) => this.opened(r));
    const corporate = rows.filter((r) => r.customerType === 'CORPORATION').map((r) => r.id);
    // In a transaction the two reads share one connection: run them one after the other.
    const individuals = (await customersRepository.individualsOf(db, clientId, corporate)).map((r) => this.opened(r));
    const accounts =
      (await this.hooks.accountsOf?.(
        db,
        clientId,
        rows.map((r) => r.id),
      )) ?? new Map<string, AccountSummary[]>();
    return rows.map(
      (row) =>
        ({
          id: row.id,
          customer_type: row.customerType,
          status: row.status as Status,
          ...orderBySchema(
            reveal ? row.details : openPersonal(undefined, row.details, '', { reveal: false }),
            row.customerType === 'CORPORATION' ? CorporationDetails : IndividualDetails,
          ),
          ...(row.customerType === 'CORPORATION' && {
            individuals: individuals.filter((i) => i.customerId === row.id).map((i) => individualView(i, reveal)),
          }),
          accounts: accounts.get(row.id) ?? [],
          created_at: row.createdAt.toISOString(),
          updated_at: row.updatedAt.toISOString(),
        }) as CustomerView,
    );
  }

  async view(ctx: Context, row: CustomerRow): Promise<CustomerView> {
    return (await this.views(ctx.db, [row], row.clientId, mayReveal(ctx.scopes)))[0] as CustomerView;
  }

  // ---- customers ---------------------------------------------------------------------------

  /** Regulated clients only (seed 000/001); everyone else onboards through applications. */
  async create(ctx: WriteContext, body: CreateCustomerBodyT) {
    if (!ctx.tenant.regulated) {
      throw new AppError(
        'FORBIDDEN',
        'Only regulated clients can create customers directly. Onboard customers through an application (POST /v1/applications), which collects and checks KYC/KYB data.',
      );
    }
    const { id, customer_type, status: _s, created_at: _c, updated_at: _u, accounts: _a, individuals: _i, ...details } = body;
    return this.view(ctx, await this.insert(ctx, { id, customerType: customer_type, details, status: 'ACTIVE' }));
  }

  /** Inserts a customer and its creation event. Also used by applications on approval. */
  async insert(
    ctx: WriteContext,
    input: { id: string; customerType: 'INDIVIDUAL' | 'CORPORATION'; details: Record<string, unknown>; status: Status },
  ) {
    const at = ctx.now;
    const row = await customersRepository.insert(ctx.tx, {
      clientId: ctx.tenantId,
      id: input.id,
      customerType: input.customerType,
      status: input.status,
      details: this.sealed(customerContext(ctx.tenantId, input.id), input.details),
      createdAt: at,
      updatedAt: at,
    });
    if (!row) throw new AppError('DUPLICATE_ID', `A customer with id ${input.id} already exists.`, 'id');
    await writeEvents(ctx.tx, [
      {
        clientId: ctx.tenantId,
        eventType: statusEventType('CUSTOMER', row.status),
        resourceType: 'customer',
        resourceId: row.id,
        eventData: { customer: { id: row.id, status: row.status } },
        at,
      },
    ]);
    return row;
  }

  async get(ctx: Context, id: string) {
    const row = await customersRepository.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Customer', 'id');
    return this.view(ctx, row);
  }

  async list(ctx: Context, query: RawPageQuery & { type?: string; customer_type?: string; status?: string }, basePath: string) {
    const page = parsePageQuery(query);
    const type = query.type ?? query.customer_type;
    if (query.type && query.customer_type && query.type !== query.customer_type) {
      throw new AppError('VALIDATION_ERROR', 'type and customer_type disagree.', 'customer_type');
    }
    const { rows, total } = await customersRepository.list(ctx.db, ctx.tenantId, { type, status: query.status }, page);
    const result = buildPage(page, rows, total, basePath, { type, status: query.status });
    return { ...result, items: await this.views(ctx.db, result.items, ctx.tenantId, mayReveal(ctx.scopes)) };
  }

  async update(ctx: WriteContext, id: string, body: PatchBody) {
    const auth = ctx;
    const tx = ctx.tx;
    const row = await (async () => {
      const current = this.opened(await customersRepository.lock(tx, auth.tenantId, id));
      if (!current) throw notFound('Customer', 'id');
      const from = current.status as Status;
      assertUpdatable(from, auth, 'customer');
      const engine = this.customerPatch[current.customerType];
      const patch = engine.prepare(current.details, dropEchoedMasks(body, current.details, ['customer_details.']), {
        id: current.id,
        customer_type: current.customerType,
      });
      let to = from;
      if (patch.status !== undefined) {
        if (!isStatus(patch.status)) throw new AppError('VALIDATION_ERROR', `Unknown status ${patch.status}.`, 'status');
        to = patch.status;
      }
      const statusChanged = checkTransition(from, to, auth, 'customer');
      if (!statusChanged && !patch.changes.length) return current;
      const at = ctx.now;
      if (statusChanged) await this.hooks.onStatusChange?.(ctx, { customer: current, from, to });
      const updated = await customersRepository.update(tx, auth.tenantId, id, {
        details: this.sealed(customerContext(auth.tenantId, id), patch.details),
        status: to,
        updatedAt: at,
      });
      const changes = statusChanged ? [{ field: 'status', before: from, after: to }, ...patch.changes] : patch.changes;
      await writeHistory(tx, 'customer', id, changes, { auth, updatedBy: patch.updatedBy, reason: patch.reason, at, box: this.box });
      if (statusChanged) {
        await writeEvents(tx, [
          {
            clientId: auth.tenantId,
            eventType: statusEventType('CUSTOMER', to),
            resourceType: 'customer',
            resourceId: id,
            eventData: { customer: { id, status: to } },
            at,
          },
        ]);
      }
      return updated;
    })();
    return this.view(ctx, row);
  }

  async history(ctx: Context, id: string, query: RawPageQuery, basePath: string) {
    if (!(await customersRepository.find(ctx.db, ctx.tenantId, id))) throw notFound('Customer', 'id');
    return historyPage(ctx.db, ctx.tenantId, 'customer', id, query, basePath, { box: this.box, reveal: mayReveal(ctx.scopes) });
  }

  // ---- individuals of corporate customers --------------------------------------------------

  private async corporateForUpdate(tx: Tx, auth: Context, customerId: string): Promise<CustomerRow> {
    const customer = await customersRepository.lock(tx, auth.tenantId, customerId);
    if (!customer) throw notFound('Customer', 'id');
    if (customer.customerType !== 'CORPORATION') {
      throw new AppError('INVALID_CUSTOMER_TYPE', 'Individuals belong to CORPORATION customers only.', 'customer_type');
    }
    assertUpdatable(customer.status as Status, auth, 'customer');
    return customer;
  }

  async addIndividual(ctx: WriteContext, customerId: string, body: CreateIndividualBodyT) {
    const auth = ctx;
    const tx = ctx.tx;
    const details = Object.fromEntries(Object.entries(body).filter(([k]) => INDIVIDUAL_KEYS.includes(k)));
    const row = await (async () => {
      await this.corporateForUpdate(tx, auth, customerId);
      const share = (details.percentage_ownership as number | undefined) ?? 0;
      const total = (await customersRepository.ownershipTotal(tx, auth.tenantId, customerId)) + share;
      if (total > 100) throw ownershipError(total);
      const at = ctx.now;
      const individualId = newId('individual');
      const created = await customersRepository.insertIndividual(tx, {
        clientId: auth.tenantId,
        customerId,
        id: individualId,
        details: this.sealed(individualContext(auth.tenantId, individualId), details),
        createdAt: at,
        updatedAt: at,
      });
      await customersRepository.update(tx, auth.tenantId, customerId, { updatedAt: at });
      await writeHistory(tx, 'customer', customerId, [{ field: 'individuals', before: null, after: created.id }], { auth, at });
      return created;
    })();
    return individualView(this.opened(row), mayReveal(ctx.scopes));
  }

  /** Inserts individuals (applications carry theirs over on approval). */
  async insertIndividuals(ctx: WriteContext, customerId: string, list: Record<string, unknown>[]): Promise<void> {
    const at = ctx.now;
    for (const details of list) {
      const id = newId('individual');
      await customersRepository.insertIndividual(ctx.tx, {
        clientId: ctx.tenantId,
        customerId,
        id,
        details: this.sealed(
          individualContext(ctx.tenantId, id),
          Object.fromEntries(Object.entries(details).filter(([k]) => INDIVIDUAL_KEYS.includes(k))),
        ),
        createdAt: at,
        updatedAt: at,
      });
    }
  }

  async getIndividual(ctx: Context, customerId: string, id: string) {
    const customer = await customersRepository.find(ctx.db, ctx.tenantId, customerId);
    if (!customer) throw notFound('Customer', 'id');
    const row = await customersRepository.findIndividual(ctx.db, ctx.tenantId, customerId, id);
    if (!row) throw notFound('Individual', 'individual_id');
    return individualView(this.opened(row), mayReveal(ctx.scopes));
  }

  async listIndividuals(ctx: Context, customerId: string, query: RawPageQuery, basePath: string) {
    const customer = await customersRepository.find(ctx.db, ctx.tenantId, customerId);
    if (!customer) throw notFound('Customer', 'id');
    if (customer.customerType !== 'CORPORATION') {
      throw new AppError('INVALID_CUSTOMER_TYPE', 'Individuals belong to CORPORATION customers only.', 'customer_type');
    }
    const page = parsePageQuery(query);
    const { rows, total } = await customersRepository.listIndividuals(ctx.db, ctx.tenantId, customerId, page);
    const result = buildPage(page, rows, total, basePath, {});
    return { ...result, items: result.items.map((r) => individualView(this.opened(r), mayReveal(ctx.scopes))) };
  }

  async updateIndividual(ctx: WriteContext, customerId: string, id: string, body: PatchBody) {
    const auth = ctx;
    const tx = ctx.tx;
    const row = await (async () => {
      await this.corporateForUpdate(tx, auth, customerId);
      const current = this.opened(await customersRepository.findIndividual(tx, auth.tenantId, customerId, id));
      if (!current) throw notFound('Individual', 'individual_id');
      const patch = this.individualPatch.prepare(current.details, dropEchoedMasks(body, current.details), {
        id: current.id,
        customer_id: customerId,
      });
      if (!patch.changes.length) return current;
      const share = (patch.details.percentage_ownership as number | undefined) ?? 0;
      const total = (await customersRepository.ownershipTotal(tx, auth.tenantId, customerId, id)) + share;
      if (total > 100) throw ownershipError(total);
      const at = ctx.now;
      const updated = await customersRepository.updateIndividual(tx, auth.tenantId, id, {
        details: this.sealed(individualContext(auth.tenantId, id), patch.details),
        updatedAt: at,
      });
      await writeHistory(tx, 'individual', id, patch.changes, {
        auth,
        updatedBy: patch.updatedBy,
        reason: patch.reason,
        at,
        box: this.box,
      });
      return this.opened(updated);
    })();
    return individualView(row, mayReveal(ctx.scopes));
  }

  async individualHistory(ctx: Context, customerId: string, id: string, query: RawPageQuery, basePath: string) {
    await this.getIndividual(ctx, customerId, id);
    return historyPage(ctx.db, ctx.tenantId, 'individual', id, query, basePath, { box: this.box, reveal: mayReveal(ctx.scopes) });
  }
}
