import { createHash, randomBytes } from 'node:crypto';
import type { Ajv } from 'ajv';
import { Type } from 'typebox';
import type { Tx } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { dropEchoedMasks, mayReveal } from '../../platform/vault/personal-data.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, type ErrorEntry, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { type PatchBody, PatchEngine } from '../../shared/patch.js';
import type { AccountsService } from '../accounts/index.js';
import type { CustomersService } from '../customers/index.js';
import { type DocumentOwnerHooks, documentsRepository } from '../documents/index.js';
import { historyPage, writeHistory } from '../history/index.js';
import { ApplicationDecisions } from './applications.decisions.js';
import { ApplicationIndividuals } from './applications.individuals.js';
import { assertEditable, isTerminal } from './applications.machine.js';
import { sealedApplicationsRepository } from './applications.repository.js';
import { assess, unresolved } from './applications.rules.js';
import {
  APPLICATION_FIELDS,
  type CreateApplicationBodyT,
  corporationApplicationFields,
  individualApplicationFields,
} from './applications.schemas.js';
import { ApplicationState, type ApplicationView, applicationView, facts } from './applications.state.js';

export interface ApplicationsDeps {
  accounts: AccountsService;
  customers: CustomersService;
  /** Sandbox: submitted applications are decided by the magic values of CONTRACT §10. */
  sandbox: boolean;
  /** The vault: tax reference and passport numbers at rest (CONTRACT §17). */
  box: SecretBox;
}

const APP_KEYS = new Set(Object.keys(APPLICATION_FIELDS));
const ACCESS_CODE_TTL_MS = 24 * 3600 * 1000;
const head = (field: string) => field.split('.')[0] as string;
/** History and requested-change names: application fields as they are, details under customer_details. */
const canonical = (field: string) => (APP_KEYS.has(head(field)) ? field : `customer_details.${field}`);
const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

/** The plain PATCH form may nest detail fields under customer_details: they are lifted to the top. */
function liftDetails(body: PatchBody): PatchBody {
  if (body.updates !== undefined || body.customer_details === undefined) return body;
  const { customer_details, ...rest } = body;
  if (customer_details === null || typeof customer_details !== 'object' || Array.isArray(customer_details)) {
    throw new AppError('VALIDATION_ERROR', 'customer_details must be an object of the fields to change.', 'customer_details');
  }
  const errors: ErrorEntry[] = [];
  const out: PatchBody = { ...rest };
  for (const [k, v] of Object.entries(customer_details)) {
    if (Object.hasOwn(rest, k) || APP_KEYS.has(k)) {
      errors.push({
        code: 'VALIDATION_ERROR',
        description: `${k} is sent twice, or is not a field of customer_details.`,
        field: `customer_details.${k}`,
      });
    } else out[k] = v;
  }
  if (errors.length) throw AppError.many(errors);
  return out;
}

/** Applications: create, read, list, PATCH, status, access codes; individuals and decisions in their own files. */
export class ApplicationsService {
  readonly individuals: ApplicationIndividuals;
  readonly decisions: ApplicationDecisions;
  private readonly state: ApplicationState;
  private readonly patch: Record<'INDIVIDUAL' | 'CORPORATION', PatchEngine>;

  constructor(
    ajv: Ajv,
    private readonly deps: ApplicationsDeps,
  ) {
    this.state = new ApplicationState(deps.accounts, sealedApplicationsRepository(deps.box));
    this.individuals = new ApplicationIndividuals(ajv, this.state, deps.box);
    this.decisions = new ApplicationDecisions(this.state, deps);
    const engine = (fields: object, address: string) =>
      new PatchEngine(ajv, {
        schema: Type.Object({ ...APPLICATION_FIELDS, ...fields }, { additionalProperties: false }),
        ignored: ['status', 'created_at', 'updated_at', 'individuals'],
        pathPrefixes: ['customer_details.'],
        aliases: { email: { to: 'email_address' }, phone: { to: 'telephone_number' }, address: { to: address } },
      });
    this.patch = {
      INDIVIDUAL: engine(individualApplicationFields, 'mailing_address'),
      CORPORATION: engine(corporationApplicationFields, 'registered_address'),
    };
  }

  /** `attestationRequired`: false for an application created in API version 1.0.5 (docs/versions.md). */
  async create(ctx: WriteContext, body: CreateApplicationBodyT, attestationRequired = true): Promise<ApplicationView> {
    const { individuals: _ignored, ...details } = body.customer_details ?? {};
    const row = await (async (tx: Tx) => {
      await this.state.assertCustomerIdFree(tx, ctx, body.customer_id);
      await this.state.assertAccountOpenable(tx, ctx, body.account_to_open);
      const at = ctx.now;
      const created = await this.state.repo.insert(tx, {
        clientId: ctx.tenantId,
        id: newId('application'),
        applicationType: body.application_type,
        status: 'INCOMPLETE',
        customerId: body.customer_id,
        accountId: body.account_to_open.account_id,
        productId: body.account_to_open.product_id,
        assetTypeId: body.account_to_open.asset_type_id,
        termsAndConditionsAccepted: body.terms_and_conditions_accepted ?? false,
        informationAttested: body.information_attested ?? false,
        attestationRequired,
        details,
        changesRequested: [],
        createdAt: at,
        updatedAt: at,
      });
      if (!created) throw new AppError('DUPLICATE_ID', 'Another application holds this customer_id or account_id.', 'customer_id');
      await this.state.event(tx, ctx, created, at);
      return this.state.refresh(tx, ctx, created, at);
    })(ctx.tx);
    return this.state.view(ctx, row);
  }

  async get(ctx: Context, id: string): Promise<ApplicationView> {
    return this.state.view(ctx, await this.state.find(ctx, id));
  }

  async list(
    ctx: Context,
    query: RawPageQuery & {
      status?: string;
      application_type?: string;
      customer_id?: string;
      terms_and_conditions_accepted?: 'true' | 'false';
      information_attested?: 'true' | 'false';
      customer_name?: string;
      email_address?: string;
      order_by?: string;
    },
    basePath: string,
  ) {
    const page = parsePageQuery(query);
    const { rows, total } = await this.state.repo.list(
      ctx.db,
      ctx.tenantId,
      {
        status: query.status,
        applicationType: query.application_type,
        customerId: query.customer_id,
        termsAndConditionsAccepted: bool(query.terms_and_conditions_accepted),
        informationAttested: bool(query.information_attested),
        customerName: query.customer_name,
        emailAddress: query.email_address,
      },
      page,
    );
    const { page: _p, page_size: _s, limit: _l, cursor: _c, order: _o, ...filters } = query;
    const result = buildPage(page, rows, total, basePath, filters);
    const individuals = await this.state.repo.individualsOf(
      ctx.db,
      ctx.tenantId,
      result.items.map((r) => r.id),
    );
    return {
      ...result,
      items: result.items.map((r) =>
        applicationView(
          r,
          individuals.filter((i) => i.applicationId === r.id),
          mayReveal(ctx.scopes),
        ),
      ),
    };
  }

  /** Both PATCH forms; validated whole. Changing customer_id or account_to_open re-checks them. */
  async update(ctx: WriteContext, id: string, body: PatchBody): Promise<ApplicationView> {
    const lifted = liftDetails(body);
    const row = await (async (tx: Tx) => {
      const current = await this.state.lockEditable(tx, ctx, id);
      const before = {
        customer_id: current.customerId,
        account_to_open: { account_id: current.accountId, product_id: current.productId, asset_type_id: current.assetTypeId },
        terms_and_conditions_accepted: current.termsAndConditionsAccepted,
        information_attested: current.informationAttested,
        ...current.details,
      };
      const patch = this.patch[current.applicationType].prepare(before, dropEchoedMasks(lifted, current.details, ['customer_details.']), {
        id: current.id,
        application_type: current.applicationType,
      });
      if (!patch.changes.length) return current;
      const { customer_id, account_to_open, terms_and_conditions_accepted, information_attested, ...details } =
        patch.details as typeof before;
      if (customer_id !== current.customerId) await this.state.assertCustomerIdFree(tx, ctx, customer_id, id);
      if (JSON.stringify(account_to_open) !== JSON.stringify(before.account_to_open)) {
        await this.state.assertAccountOpenable(tx, ctx, account_to_open, id);
      }
      const at = ctx.now;
      const changes = patch.changes.map((c) => ({ ...c, field: canonical(c.field) }));
      const updated = await this.state.repo.update(tx, ctx.tenantId, id, {
        customerId: customer_id,
        accountId: account_to_open.account_id,
        productId: account_to_open.product_id,
        assetTypeId: account_to_open.asset_type_id,
        termsAndConditionsAccepted: terms_and_conditions_accepted,
        informationAttested: information_attested,
        details,
        changesRequested: unresolved(
          current.changesRequested,
          changes.map((c) => c.field),
        ),
        updatedAt: at,
      });
      await writeHistory(tx, 'application', id, changes, {
        auth: ctx,
        updatedBy: patch.updatedBy,
        reason: patch.reason,
        at,
        box: this.deps.box,
      });
      return this.state.refresh(tx, ctx, updated, at);
    })(ctx.tx);
    return this.state.view(ctx, row);
  }

  /** ApplicationState (LAYER2_API.md §2.1), computed on every call from the stored data. */
  async status(ctx: Context, id: string) {
    const row = await this.state.find(ctx, id);
    const [individuals, docs] = await Promise.all([
      this.state.repo.individualsOf(ctx.db, ctx.tenantId, [id]),
      documentsRepository.ofApplication(ctx.db, ctx.tenantId, id),
    ]);
    const a = assess(facts(row), individuals, docs);
    return {
      id: row.id,
      status: row.status,
      application_type: row.applicationType,
      customer_id: row.customerId,
      account_to_open: { account_id: row.accountId, product_id: row.productId, asset_type_id: row.assetTypeId },
      terms_and_conditions_accepted: row.termsAndConditionsAccepted,
      information_attested: row.informationAttested,
      application_errors: a.applicationErrors,
      validation_errors: a.fieldErrors,
      application_validation_errors: a.fieldErrors,
      application_document_errors: a.documentErrors,
      document_errors: a.documentErrors,
      individual_errors: a.individualErrors,
      created_date: row.createdAt.toISOString(),
      status_update_date: row.updatedAt.toISOString(),
    };
  }

  async history(ctx: Context, id: string, query: RawPageQuery, basePath: string) {
    await this.state.find(ctx, id);
    return historyPage(ctx.db, ctx.tenantId, 'application', id, query, basePath, { box: this.deps.box, reveal: mayReveal(ctx.scopes) });
  }

  /** A one-time code for the hosted onboarding flow: random, stored hashed, valid 24 hours. */
  async accessCode(ctx: WriteContext, id: string) {
    const code = randomBytes(24).toString('base64url');
    const expiry = await (async (tx: Tx) => {
      await this.state.lockEditable(tx, ctx, id);
      const at = ctx.now;
      const expiresAt = new Date(at.getTime() + ACCESS_CODE_TTL_MS);
      await this.state.repo.insertAccessCode(tx, {
        clientId: ctx.tenantId,
        id: newId('accessCode'),
        applicationId: id,
        codeHash: createHash('sha256').update(code).digest('hex'),
        expiresAt,
        createdAt: at,
      });
      return expiresAt;
    })(ctx.tx);
    return { id, access_code: code, expiry: expiry.toISOString() };
  }

  /** What documents need from applications: the lock and checks before a change, the status after. */
  documentHooks(): DocumentOwnerHooks {
    return {
      lockOwner: async (tx, ctx, applicationId, change) => {
        const row = await this.state.repo.lock(tx, ctx.tenantId, applicationId);
        if (!row) throw notFound('Document', 'document_id');
        if (change === 'upload') assertEditable(row.status);
        else if (isTerminal(row.status)) {
          throw new AppError('NOT_UPDATABLE', `The application is ${row.status}: its documents can no longer be reviewed.`, 'status');
        }
      },
      afterChange: async (tx, ctx, applicationId, at) => {
        const row = await this.state.repo.update(tx, ctx.tenantId, applicationId, { updatedAt: at });
        await this.state.refresh(tx, ctx, row, at, false);
      },
    };
  }
}
