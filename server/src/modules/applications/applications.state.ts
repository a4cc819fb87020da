import type { Static } from 'typebox';
import type { Tx } from '../../db/client.js';
import type { ApplicationStatus } from '../../db/schema-onboarding.js';
import { mayReveal, openPersonal } from '../../platform/vault/personal-data.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { orderBySchema } from '../../shared/schema-order.js';
import type { AccountsService } from '../accounts/index.js';
import { findCustomer, PersonDetails } from '../customers/index.js';
import { documentsRepository } from '../documents/index.js';
import { writeEvents } from '../events/index.js';
import { writeHistory } from '../history/index.js';
import { assertEditable, assertTransition, eventTypeOf, impliedStatus } from './applications.machine.js';
import type { ApplicationIndividualRow, ApplicationRow, ApplicationsRepository } from './applications.repository.js';
import { type ApplicationFacts, assess, requiredDocuments } from './applications.rules.js';
import {
  type Application,
  type ApplicationIndividual,
  CorporationApplicationDetails,
  IndividualApplicationDetails,
} from './applications.schemas.js';

export const facts = (row: ApplicationRow): ApplicationFacts => ({
  applicationType: row.applicationType,
  status: row.status,
  termsAndConditionsAccepted: row.termsAndConditionsAccepted,
  informationAttested: row.informationAttested,
  attestationRequired: row.attestationRequired,
  details: row.details,
  changesRequested: row.changesRequested,
  decisionReason: row.decisionReason,
});

export type IndividualView = Static<typeof ApplicationIndividual>;

/** Rows come opened from the repository; personal identifiers are masked unless `reveal`. */
export function individualView(row: ApplicationIndividualRow, reveal: boolean): IndividualView {
  const details = reveal ? row.details : openPersonal(undefined, row.details, '', { reveal: false });
  return {
    id: row.id,
    application_id: row.applicationId,
    ...(orderBySchema(details, PersonDetails) as Omit<IndividualView, 'id' | 'application_id' | 'created_at' | 'updated_at'>),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export type ApplicationView = Static<typeof Application>;

/** Stored details were validated with the resource schema on every write: the cast is safe. */
export function applicationView(row: ApplicationRow, individuals: ApplicationIndividualRow[], reveal: boolean): ApplicationView {
  const corporate = row.applicationType === 'CORPORATION';
  const shown = reveal ? row.details : openPersonal(undefined, row.details, '', { reveal: false });
  const details = orderBySchema(shown, corporate ? CorporationApplicationDetails : IndividualApplicationDetails);
  return {
    id: row.id,
    status: row.status,
    application_type: row.applicationType,
    customer_id: row.customerId,
    account_to_open: { account_id: row.accountId, product_id: row.productId, asset_type_id: row.assetTypeId },
    terms_and_conditions_accepted: row.termsAndConditionsAccepted,
    information_attested: row.informationAttested,
    customer_details: corporate ? { ...details, individuals: individuals.map((i) => individualView(i, reveal)) } : details,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  } as ApplicationView;
}

export interface AccountToOpen {
  account_id: string;
  product_id: string;
  asset_type_id: string;
}

/**
 * What every application use case shares: locking, the identity checks, status changes (with
 * their history row and event), and the recomputation of the status after each write.
 */
export class ApplicationState {
  constructor(
    private readonly accounts: AccountsService,
    /** The repository opening and sealing personal identifiers (sealedApplicationsRepository). */
    readonly repo: ApplicationsRepository,
  ) {}

  async lock(tx: Tx, ctx: WriteContext, id: string): Promise<ApplicationRow> {
    const row = await this.repo.lock(tx, ctx.tenantId, id);
    if (!row) throw notFound('Application', 'id');
    return row;
  }

  async lockEditable(tx: Tx, ctx: WriteContext, id: string): Promise<ApplicationRow> {
    const row = await this.lock(tx, ctx, id);
    assertEditable(row.status);
    return row;
  }

  async find(ctx: Context, id: string): Promise<ApplicationRow> {
    const row = await this.repo.find(ctx.db, ctx.tenantId, id);
    if (!row) throw notFound('Application', 'id');
    return row;
  }

  async view(ctx: Context, row: ApplicationRow): Promise<ApplicationView> {
    return applicationView(row, await this.repo.individualsOf(ctx.db, row.clientId, [row.id]), mayReveal(ctx.scopes));
  }

  /** A customer id is free when no customer and no other live application holds it. */
  async assertCustomerIdFree(tx: Tx, ctx: WriteContext, customerId: string, exceptId?: string): Promise<void> {
    if (await findCustomer(tx, ctx.tenantId, customerId)) {
      throw new AppError('DUPLICATE_ID', `A customer with id ${customerId} already exists.`, 'customer_id');
    }
    const holder = await this.repo.liveHolding(tx, ctx.tenantId, { customerId }, exceptId);
    if (holder)
      throw new AppError('DUPLICATE_ID', `The application ${holder} is already onboarding customer ${customerId}.`, 'customer_id');
  }

  /** The account could be opened on approval: product and asset enabled, id free (accounts and live applications). */
  async assertAccountOpenable(tx: Tx, ctx: WriteContext, account: AccountToOpen, exceptId?: string): Promise<void> {
    await this.accounts.assertOpenable(tx, ctx, {
      accountId: account.account_id,
      productId: account.product_id,
      assetTypeId: account.asset_type_id,
    });
    const holder = await this.repo.liveHolding(tx, ctx.tenantId, { accountId: account.account_id }, exceptId);
    if (holder) {
      throw new AppError(
        'DUPLICATE_ID',
        `The application ${holder} already opens an account ${account.account_id}.`,
        'account_to_open.account_id',
      );
    }
  }

  /** Moves the application to `to` (checked by the machine), with its history row and event. */
  async changeStatus(
    tx: Tx,
    ctx: WriteContext,
    row: ApplicationRow,
    to: ApplicationStatus,
    meta: { at: Date; reason?: string | undefined; set?: Partial<ApplicationRow> },
  ): Promise<ApplicationRow> {
    assertTransition(row.status, to);
    const updated = await this.repo.update(tx, ctx.tenantId, row.id, { ...meta.set, status: to, updatedAt: meta.at });
    await writeHistory(tx, 'application', row.id, [{ field: 'status', before: row.status, after: to }], {
      auth: ctx,
      reason: meta.reason,
      at: meta.at,
    });
    await this.event(tx, ctx, updated, meta.at);
    return updated;
  }

  async event(tx: Tx, ctx: WriteContext, row: ApplicationRow, at: Date): Promise<void> {
    await writeEvents(tx, [
      {
        clientId: ctx.tenantId,
        eventType: eventTypeOf(row.status),
        resourceType: 'application',
        resourceId: row.id,
        eventData: { application: { id: row.id, status: row.status } },
        at,
      },
    ]);
  }

  /**
   * After a write, in its transaction: the document rows follow the requirements (same ids for
   * the same requirement), and the status follows the data (INCOMPLETE ⇄ READY_FOR_SUBMISSION,
   * CHANGES_REQUESTED until everything asked for is changed).
   */
  async refresh(tx: Tx, ctx: WriteContext, row: ApplicationRow, at: Date, syncDocuments = true): Promise<ApplicationRow> {
    const individuals = await this.repo.individualsOf(tx, ctx.tenantId, [row.id]);
    if (syncDocuments) await documentsRepository.sync(tx, ctx.tenantId, row.id, requiredDocuments(facts(row), individuals), at);
    const docs = await documentsRepository.ofApplication(tx, ctx.tenantId, row.id);
    const target = impliedStatus(row.status, assess(facts(row), individuals, docs));
    return target === row.status ? row : this.changeStatus(tx, ctx, row, target, { at });
  }
}
