import type { Ajv } from 'ajv';
import type { Db, Tx } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { dropEchoedMasks, mayReveal } from '../../platform/vault/personal-data.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { type PatchBody, PatchEngine } from '../../shared/patch.js';
import { IndividualDetailsOfCorporate, PersonDetails } from '../customers/index.js';
import { documentsRepository } from '../documents/index.js';
import { writeHistory } from '../history/index.js';
import { assertEditable } from './applications.machine.js';
import type { ApplicationIndividualRow, ApplicationRow } from './applications.repository.js';
import { unresolved } from './applications.rules.js';
import { type ApplicationState, individualView } from './applications.state.js';

const INDIVIDUAL_KEYS = new Set(Object.keys(IndividualDetailsOfCorporate));
const share = (details: Record<string, unknown>) => (typeof details.percentage_ownership === 'number' ? details.percentage_ownership : 0);

/** Refuses a set of individuals whose percentage_ownership totals over 100%. */
function assertOwnership(others: ApplicationIndividualRow[], details: Record<string, unknown>): void {
  const total = others.reduce((sum, i) => sum + share(i.details), 0) + share(details);
  if (total > 100) {
    throw new AppError(
      'VALIDATION_ERROR',
      `The individuals' percentage_ownership would total ${total}%, more than 100%.`,
      'percentage_ownership',
    );
  }
}

/** Officers, owners and other individuals of CORPORATION applications (LAYER2_API.md §2.1). */
export class ApplicationIndividuals {
  private readonly patch: PatchEngine;

  constructor(
    ajv: Ajv,
    private readonly state: ApplicationState,
    /** The vault: the history of personal identifiers is stored encrypted. */
    private readonly box: SecretBox,
  ) {
    this.patch = new PatchEngine(ajv, {
      schema: PersonDetails,
      ignored: ['created_at', 'updated_at'],
      aliases: {
        email: { to: 'email_address' },
        phone: { to: 'telephone_number' },
        address: { to: 'mailing_address' },
        role: { to: 'individual_type', map: (v) => (Array.isArray(v) ? v : [v]) },
        ownership_percentage: { to: 'percentage_ownership' },
      },
    });
  }

  private async corporateEditable(tx: Tx, ctx: WriteContext, applicationId: string): Promise<ApplicationRow> {
    const app = await this.state.lock(tx, ctx, applicationId);
    if (app.applicationType !== 'CORPORATION') {
      throw new AppError('INVALID_CUSTOMER_TYPE', 'Individuals belong to CORPORATION applications only.', 'application_type');
    }
    assertEditable(app.status);
    return app;
  }

  private async mustFind(db: Db | Tx, ctx: Context, applicationId: string, id: string): Promise<ApplicationIndividualRow> {
    const row = await this.state.repo.findIndividual(db, ctx.tenantId, applicationId, id);
    if (!row) throw notFound('Individual', 'individual_id');
    return row;
  }

  async add(ctx: WriteContext, applicationId: string, body: Record<string, unknown>) {
    const details = Object.fromEntries(Object.entries(body).filter(([k]) => INDIVIDUAL_KEYS.has(k)));
    const row = await (async (tx: Tx) => {
      const app = await this.corporateEditable(tx, ctx, applicationId);
      assertOwnership(await this.state.repo.individualsOf(tx, ctx.tenantId, [applicationId]), details);
      const at = ctx.now;
      const created = await this.state.repo.insertIndividual(tx, {
        clientId: ctx.tenantId,
        applicationId,
        id: newId('individual'),
        details,
        createdAt: at,
        updatedAt: at,
      });
      await writeHistory(tx, 'application', applicationId, [{ field: `individuals.${created.id}`, before: null, after: details }], {
        auth: ctx,
        at,
        box: this.box,
      });
      await this.state.refresh(tx, ctx, await this.state.repo.update(tx, ctx.tenantId, app.id, { updatedAt: at }), at);
      return created;
    })(ctx.tx);
    return individualView(row, mayReveal(ctx.scopes));
  }

  async get(ctx: Context, applicationId: string, id: string) {
    await this.state.find(ctx, applicationId);
    return individualView(await this.mustFind(ctx.db, ctx, applicationId, id), mayReveal(ctx.scopes));
  }

  async update(ctx: WriteContext, applicationId: string, id: string, body: PatchBody) {
    const row = await (async (tx: Tx) => {
      const app = await this.corporateEditable(tx, ctx, applicationId);
      const current = await this.mustFind(tx, ctx, applicationId, id);
      const patch = this.patch.prepare(current.details, dropEchoedMasks(body, current.details), { id, application_id: applicationId });
      if (!patch.changes.length) return current;
      const others = (await this.state.repo.individualsOf(tx, ctx.tenantId, [applicationId])).filter((i) => i.id !== id);
      assertOwnership(others, patch.details);
      const at = ctx.now;
      const updated = await this.state.repo.updateIndividual(tx, ctx.tenantId, id, { details: patch.details, updatedAt: at });
      const changes = patch.changes.map((c) => ({ ...c, field: `individuals.${id}.${c.field}` }));
      await writeHistory(tx, 'application', applicationId, changes, {
        auth: ctx,
        updatedBy: patch.updatedBy,
        reason: patch.reason,
        at,
        box: this.box,
      });
      const touched = await this.state.repo.update(tx, ctx.tenantId, app.id, {
        changesRequested: unresolved(
          app.changesRequested,
          changes.map((c) => c.field),
        ),
        updatedAt: at,
      });
      await this.state.refresh(tx, ctx, touched, at);
      return updated;
    })(ctx.tx);
    return individualView(row, mayReveal(ctx.scopes));
  }

  /** Deletes the individual and its documents (files included) for good. */
  async remove(ctx: WriteContext, applicationId: string, id: string): Promise<{ id: string }> {
    await (async (tx: Tx) => {
      const app = await this.corporateEditable(tx, ctx, applicationId);
      const current = await this.mustFind(tx, ctx, applicationId, id);
      const at = ctx.now;
      await documentsRepository.deleteOfIndividual(tx, ctx.tenantId, id);
      await this.state.repo.deleteIndividual(tx, ctx.tenantId, id);
      await writeHistory(tx, 'application', applicationId, [{ field: `individuals.${id}`, before: current.details, after: null }], {
        auth: ctx,
        at,
        box: this.box,
      });
      const touched = await this.state.repo.update(tx, ctx.tenantId, app.id, {
        changesRequested: app.changesRequested.filter((f) => !f.startsWith(`individuals.${id}.`)),
        updatedAt: at,
      });
      await this.state.refresh(tx, ctx, touched, at);
    })(ctx.tx);
    return { id };
  }
}
