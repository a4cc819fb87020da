import type { Tx } from '../../db/client.js';
import type { WriteContext } from '../../shared/context.js';
import { AppError, type ErrorEntry } from '../../shared/errors.js';
import { findCustomer, PersonDetails } from '../customers/index.js';
import { documentsRepository } from '../documents/index.js';
import { assertTransition } from './applications.machine.js';
import type { ApplicationIndividualRow, ApplicationRow } from './applications.repository.js';
import {
  AccountToOpen,
  APPLICATION_FIELDS,
  CorporationApplicationDetails,
  type DecisionInput,
  IndividualApplicationDetails,
} from './applications.schemas.js';
import type { ApplicationsDeps } from './applications.service.js';
import type { ApplicationState, ApplicationView } from './applications.state.js';

type Json = Record<string, unknown>;

/** Is `path` a field of `schema` (nested objects followed by their properties)? */
function isFieldOf(schema: unknown, path: string[]): boolean {
  let node = schema as Json | undefined;
  for (const seg of path) {
    const props = node?.properties as Json | undefined;
    if (!props || !Object.hasOwn(props, seg)) return false;
    node = props[seg] as Json;
  }
  return path.length > 0;
}

/**
 * The canonical name of a field the reviewer asks to change, or undefined when it names none:
 * customer_id, account_to_open(.x), terms_and_conditions_accepted, information_attested,
 * customer_details.<path> (or just <path>), individuals.<individual id>.<path>.
 */
function fieldToFix(raw: string, app: ApplicationRow, individuals: ApplicationIndividualRow[]): string | undefined {
  const parts = raw.split('.');
  const [first, ...rest] = parts as [string, ...string[]];
  if (first === 'individuals') {
    const [id, ...path] = rest;
    return individuals.some((i) => i.id === id) && isFieldOf(PersonDetails, path) ? raw : undefined;
  }
  if (first === 'account_to_open') return rest.length === 0 || isFieldOf(AccountToOpen, rest) ? raw : undefined;
  if (Object.hasOwn(APPLICATION_FIELDS, first)) return rest.length ? undefined : raw;
  const details = app.applicationType === 'INDIVIDUAL' ? IndividualApplicationDetails : CorporationApplicationDetails;
  const path = first === 'customer_details' ? rest : parts;
  return isFieldOf(details, path) ? `customer_details.${path.join('.')}` : undefined;
}

/** Sandbox magic values (CONTRACT §10): names containing REJECT are rejected, REVIEW wait for the operator. */
function magicOutcome(app: ApplicationRow, individuals: ApplicationIndividualRow[]): 'APPROVED' | 'REJECTED' | 'REVIEW' {
  const names = [app.details.last_name, app.details.registered_name, ...individuals.map((i) => i.details.last_name)]
    .filter((n): n is string => typeof n === 'string')
    .map((n) => n.toUpperCase());
  if (names.some((n) => n.includes('REJECT'))) return 'REJECTED';
  if (names.some((n) => n.includes('REVIEW'))) return 'REVIEW';
  return 'APPROVED';
}

/** Submission and decisions: the operator's, the sandbox simulation's, and the sandbox magic values. */
export class ApplicationDecisions {
  constructor(
    private readonly state: ApplicationState,
    private readonly deps: ApplicationsDeps,
  ) {}

  /** READY_FOR_SUBMISSION → SUBMITTED → PROCESSING; in sandbox, decided at once unless a name says REVIEW. */
  async submit(ctx: WriteContext, id: string): Promise<ApplicationView> {
    const row = await (async (tx: Tx) => {
      const app = await this.state.lock(tx, ctx, id);
      if (app.status !== 'READY_FOR_SUBMISSION') {
        throw new AppError(
          'INVALID_STATUS_TRANSITION',
          `The application is ${app.status}: only a READY_FOR_SUBMISSION application can be submitted (see GET /v1/applications/${id}/status).`,
          'status',
        );
      }
      const at = ctx.now;
      const submitted = await this.state.changeStatus(tx, ctx, app, 'SUBMITTED', { at });
      const processing = await this.state.changeStatus(tx, ctx, submitted, 'PROCESSING', { at });
      if (!this.deps.sandbox) return processing;
      const outcome = magicOutcome(processing, await this.state.repo.individualsOf(tx, ctx.tenantId, [id]));
      if (outcome === 'REJECTED') return this.reject(tx, ctx, processing, 'sandbox: a name contains REJECT', at);
      if (outcome === 'APPROVED') return this.approve(tx, ctx, processing, 'sandbox: automatic approval', at);
      return processing;
    })(ctx.tx);
    return this.state.view(ctx, row);
  }

  /** A decision on a PROCESSING application (operator route, or the sandbox simulation). */
  async decide(ctx: WriteContext, id: string, input: DecisionInput): Promise<ApplicationView> {
    if (input.decision !== 'CHANGES_REQUESTED') {
      const extra = (['fields', 'documents'] as const).filter((k) => input[k] !== undefined);
      if (extra.length) {
        throw AppError.many(
          extra.map((k) => ({ code: 'VALIDATION_ERROR', description: `${k} goes with CHANGES_REQUESTED only.`, field: k })),
        );
      }
    }
    const row = await (async (tx: Tx) => {
      const app = await this.state.lock(tx, ctx, id);
      assertTransition(app.status, input.decision);
      const at = ctx.now;
      switch (input.decision) {
        case 'APPROVED':
          return this.approve(tx, ctx, app, input.reason, at);
        case 'REJECTED':
          return this.reject(tx, ctx, app, input.reason, at);
        case 'CHANGES_REQUESTED':
          return this.requestChanges(tx, ctx, app, input, at);
        default: {
          const exhaustive: never = input.decision;
          throw new Error(`unknown decision ${String(exhaustive)}`);
        }
      }
    })(ctx.tx);
    return this.state.view(ctx, row);
  }

  private decided(reason: string | undefined, at: Date): Partial<ApplicationRow> {
    return { decisionReason: reason ?? null, decidedAt: at, changesRequested: [] };
  }

  /** In one transaction: the customer (with its individuals), its account, and the APPROVED status. */
  private async approve(tx: Tx, ctx: WriteContext, app: ApplicationRow, reason: string | undefined, at: Date): Promise<ApplicationRow> {
    if (await findCustomer(tx, ctx.tenantId, app.customerId)) {
      throw new AppError('DUPLICATE_ID', `A customer with id ${app.customerId} already exists.`, 'customer_id');
    }
    const customer = await this.deps.customers.insert(ctx, {
      id: app.customerId,
      customerType: app.applicationType,
      details: app.details,
      status: 'ACTIVE',
    });
    if (app.applicationType === 'CORPORATION') {
      const individuals = await this.state.repo.individualsOf(tx, ctx.tenantId, [app.id]);
      await this.deps.customers.insertIndividuals(
        ctx,
        customer.id,
        individuals.map((i) => i.details),
      );
    }
    await this.deps.accounts.openFor(ctx, customer, {
      customerId: customer.id,
      accountId: app.accountId,
      productId: app.productId,
      assetTypeId: app.assetTypeId,
    });
    return this.state.changeStatus(tx, ctx, app, 'APPROVED', { at, reason, set: this.decided(reason, at) });
  }

  private async reject(tx: Tx, ctx: WriteContext, app: ApplicationRow, reason: string | undefined, at: Date): Promise<ApplicationRow> {
    return this.state.changeStatus(tx, ctx, app, 'REJECTED', { at, reason, set: this.decided(reason, at) });
  }

  /** Names exactly what to fix: fields (until changed) and documents (until uploaded again). */
  private async requestChanges(tx: Tx, ctx: WriteContext, app: ApplicationRow, input: DecisionInput, at: Date): Promise<ApplicationRow> {
    const fields = input.fields ?? [];
    const documentIds = input.documents ?? [];
    if (!fields.length && !documentIds.length) {
      throw new AppError('VALIDATION_ERROR', 'CHANGES_REQUESTED must name the fields or documents to fix.', 'fields');
    }
    const errors: ErrorEntry[] = [];
    const individuals = await this.state.repo.individualsOf(tx, ctx.tenantId, [app.id]);
    const toFix = fields.map((f, i) => {
      const name = fieldToFix(f, app, individuals);
      if (!name) errors.push({ code: 'VALIDATION_ERROR', description: `${f} is not a field of this application.`, field: `fields.${i}` });
      return name as string;
    });
    const required = new Set(
      (await documentsRepository.ofApplication(tx, ctx.tenantId, app.id)).filter((d) => d.required).map((d) => d.id),
    );
    documentIds.forEach((d, i) => {
      if (!required.has(d))
        errors.push({ code: 'VALIDATION_ERROR', description: `${d} is not a document of this application.`, field: `documents.${i}` });
    });
    if (errors.length) throw AppError.many(errors);
    await documentsRepository.setStatus(tx, ctx.tenantId, documentIds, 'CHANGES_REQUESTED', at);
    return this.state.changeStatus(tx, ctx, app, 'CHANGES_REQUESTED', {
      at,
      reason: input.reason,
      set: { changesRequested: [...new Set(toFix)], decisionReason: input.reason ?? null, decidedAt: at },
    });
  }
}
