import { and, asc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { fetchPage } from '../../db/paginate.js';
import { applicationAccessCodes, applicationIndividuals, applications } from '../../db/schema-onboarding.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { encryptStoredPersonal, openPersonal, sealPersonal } from '../../platform/vault/personal-data.js';
import type { PageRequest } from '../../shared/pagination.js';

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationIndividualRow = typeof applicationIndividuals.$inferSelect;

export interface ApplicationFilters {
  status?: string | undefined;
  applicationType?: string | undefined;
  customerId?: string | undefined;
  termsAndConditionsAccepted?: boolean | undefined;
  informationAttested?: boolean | undefined;
  customerName?: string | undefined;
  emailAddress?: string | undefined;
}

const byId = (clientId: string, id: string) => and(eq(applications.clientId, clientId), eq(applications.id, id));
const live = ne(applications.status, 'REJECTED');
const individualById = (clientId: string, id: string) =>
  and(eq(applicationIndividuals.clientId, clientId), eq(applicationIndividuals.id, id));

export const applicationsRepository = {
  /** undefined when a live application already holds the customer id or account id (unique indexes). */
  async insert(tx: Tx, row: typeof applications.$inferInsert): Promise<ApplicationRow | undefined> {
    const [created] = await tx.insert(applications).values(row).onConflictDoNothing().returning();
    return created;
  },
  async find(db: Db | Tx, clientId: string, id: string): Promise<ApplicationRow | undefined> {
    const [row] = await db.select().from(applications).where(byId(clientId, id));
    return row;
  },
  async lock(tx: Tx, clientId: string, id: string): Promise<ApplicationRow | undefined> {
    const [row] = await tx.select().from(applications).where(byId(clientId, id)).for('no key update');
    return row;
  },
  async update(tx: Tx, clientId: string, id: string, patch: Partial<typeof applications.$inferInsert>): Promise<ApplicationRow> {
    const [row] = await tx.update(applications).set(patch).where(byId(clientId, id)).returning();
    return row as ApplicationRow;
  },
  /** The live (not rejected) application holding a customer id or an account id, other than `exceptId`. */
  async liveHolding(tx: Tx, clientId: string, by: { customerId: string } | { accountId: string }, exceptId?: string) {
    const [row] = await tx
      .select({ id: applications.id })
      .from(applications)
      .where(
        and(
          eq(applications.clientId, clientId),
          'customerId' in by ? eq(applications.customerId, by.customerId) : eq(applications.accountId, by.accountId),
          live,
          exceptId ? ne(applications.id, exceptId) : undefined,
        ),
      );
    return row?.id;
  },
  async list(db: Db, clientId: string, f: ApplicationFilters, page: PageRequest) {
    const where: SQL[] = [eq(applications.clientId, clientId)];
    if (f.status) where.push(eq(applications.status, f.status as ApplicationRow['status']));
    if (f.applicationType) where.push(eq(applications.applicationType, f.applicationType as ApplicationRow['applicationType']));
    if (f.customerId) where.push(eq(applications.customerId, f.customerId));
    if (f.termsAndConditionsAccepted !== undefined) where.push(eq(applications.termsAndConditionsAccepted, f.termsAndConditionsAccepted));
    if (f.informationAttested !== undefined) where.push(eq(applications.informationAttested, f.informationAttested));
    if (f.customerName) {
      const d = applications.details;
      where.push(
        sql`position(lower(${f.customerName}) in lower(concat_ws(' ', ${d}->>'first_name', ${d}->>'middle_name', ${d}->>'last_name', ${d}->>'registered_name', ${d}->>'trading_name'))) > 0`,
      );
    }
    if (f.emailAddress) where.push(sql`lower(${applications.details}->>'email_address') = lower(${f.emailAddress})`);
    return fetchPage(db, applications, applications.seq, where, page);
  },

  async insertIndividual(tx: Tx, row: typeof applicationIndividuals.$inferInsert): Promise<ApplicationIndividualRow> {
    const [created] = await tx.insert(applicationIndividuals).values(row).returning();
    return created as ApplicationIndividualRow;
  },
  async findIndividual(db: Db | Tx, clientId: string, applicationId: string, id: string): Promise<ApplicationIndividualRow | undefined> {
    const [row] = await db
      .select()
      .from(applicationIndividuals)
      .where(and(individualById(clientId, id), eq(applicationIndividuals.applicationId, applicationId)));
    return row;
  },
  async updateIndividual(tx: Tx, clientId: string, id: string, patch: Partial<typeof applicationIndividuals.$inferInsert>) {
    const [row] = await tx.update(applicationIndividuals).set(patch).where(individualById(clientId, id)).returning();
    return row as ApplicationIndividualRow;
  },
  async deleteIndividual(tx: Tx, clientId: string, id: string): Promise<void> {
    await tx.delete(applicationIndividuals).where(individualById(clientId, id));
  },
  async individualsOf(db: Db | Tx, clientId: string, applicationIds: string[]): Promise<ApplicationIndividualRow[]> {
    if (!applicationIds.length) return [];
    return db
      .select()
      .from(applicationIndividuals)
      .where(and(eq(applicationIndividuals.clientId, clientId), inArray(applicationIndividuals.applicationId, applicationIds)))
      .orderBy(asc(applicationIndividuals.seq));
  },

  async insertAccessCode(tx: Tx, row: typeof applicationAccessCodes.$inferInsert): Promise<void> {
    await tx.insert(applicationAccessCodes).values(row);
  },
};

/**
 * Tax reference and passport numbers at rest (CONTRACT §17): the applications repository as the
 * use cases see it, with every row's details opened as it is read and sealed as it is written
 * (bound to its row). The tables never hold them in clear; the use cases never see ciphertext.
 */
const applicationContext = (clientId: string, id: string) => `applications.details:${clientId}:${id}`;
const individualContext = (clientId: string, id: string) => `application_individuals.details:${clientId}:${id}`;

export type ApplicationsRepository = typeof applicationsRepository;

export function sealedApplicationsRepository(box: SecretBox): ApplicationsRepository {
  const r = applicationsRepository;
  const openApp = <T extends ApplicationRow | undefined>(row: T): T =>
    row && { ...row, details: openPersonal(box, row.details, applicationContext(row.clientId, row.id), { reveal: true }) };
  const openInd = <T extends ApplicationIndividualRow | undefined>(row: T): T =>
    row && { ...row, details: openPersonal(box, row.details, individualContext(row.clientId, row.id), { reveal: true }) };
  const sealDetails = <P extends { details?: Record<string, unknown> | undefined }>(context: string, patch: P): P =>
    patch.details === undefined ? patch : { ...patch, details: sealPersonal(box, patch.details, context) };
  return {
    ...r,
    insert: async (tx, row) => openApp(await r.insert(tx, sealDetails(applicationContext(row.clientId, row.id), row))),
    find: async (db, clientId, id) => openApp(await r.find(db, clientId, id)),
    lock: async (tx, clientId, id) => openApp(await r.lock(tx, clientId, id)),
    update: async (tx, clientId, id, patch) =>
      openApp(await r.update(tx, clientId, id, sealDetails(applicationContext(clientId, id), patch))),
    list: async (db, clientId, f, page) => {
      const result = await r.list(db, clientId, f, page);
      return { ...result, rows: result.rows.map(openApp) };
    },
    insertIndividual: async (tx, row) => openInd(await r.insertIndividual(tx, sealDetails(individualContext(row.clientId, row.id), row))),
    findIndividual: async (db, clientId, applicationId, id) => openInd(await r.findIndividual(db, clientId, applicationId, id)),
    updateIndividual: async (tx, clientId, id, patch) =>
      openInd(await r.updateIndividual(tx, clientId, id, sealDetails(individualContext(clientId, id), patch))),
    individualsOf: async (db, clientId, ids) => (await r.individualsOf(db, clientId, ids)).map(openInd),
  };
}

/** Encrypts the personal identifiers an earlier version stored in clear (at start, once the vault is open). */
export async function encryptStoredApplications(db: Db, box: SecretBox): Promise<number> {
  const applications = await encryptStoredPersonal(db, box, {
    table: 'applications',
    keys: ['client_id', 'id'],
    columns: ['details'],
    context: (row) => applicationContext(row.client_id as string, row.id as string),
  });
  const individuals = await encryptStoredPersonal(db, box, {
    table: 'application_individuals',
    keys: ['client_id', 'id'],
    columns: ['details'],
    context: (row) => individualContext(row.client_id as string, row.id as string),
  });
  return applications + individuals;
}
