import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { applicationAccessCodes } from '../../src/db/schema-onboarding.js';
import { getApp, newTenant, uid } from '../helpers.js';
import {
  accountToOpen,
  address,
  corporationApplication,
  createApplication,
  errs,
  eventsOf,
  expectError,
  getApplication,
  individualApplication,
  individualDetails,
  ok,
  statusOf,
  uploadAll,
} from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

async function readyIndividual() {
  const app = await getApp();
  const t = await newTenant(app, { regulated: false });
  const created = await createApplication(t.api, individualApplication());
  await uploadAll(t.api, created.id);
  expect((await getApplication(t.api, created.id)).status).toBe('READY_FOR_SUBMISSION');
  return { app, t, id: created.id as string, created };
}

const history = async (t: Awaited<ReturnType<typeof readyIndividual>>['t'], id: string) =>
  ((await ok(t.api.get(`/v1/applications/${id}/history`))).history as any[]).map(({ field, before, after, actor, updated_by, reason }) => ({
    field,
    before,
    after,
    actor: actor.type,
    updated_by,
    reason,
  }));

describe('PATCH /v1/applications/{id}', () => {
  it('Layer2 form: dotted fields with string values; history records who, why, before and after', async () => {
    const { t, id } = await readyIndividual();
    const res = await t.api.patch(`/v1/applications/${id}`, {
      updates: [
        { field: 'customer_details.mailing_address.city', value: 'Boston' },
        { field: 'customer_details.kyc_profile.engage_in_activities', value: '["NONE"]' },
        { field: 'terms_and_conditions_accepted', value: 'true' },
        { field: 'occupation', value: 'Mathematician' },
      ],
      updated_by: 'ops@client',
      reason: 'customer moved',
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.customer_details).toEqual(
      individualDetails({
        mailing_address: { ...address, city: 'Boston' },
        occupation: 'Mathematician',
        kyc_profile: { engage_in_activities: ['NONE'] },
      }),
    );
    const rows = (await history(t, id)).filter((h) => h.field.startsWith('customer_details.'));
    expect(rows.sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      {
        field: 'customer_details.kyc_profile.engage_in_activities',
        before: null,
        after: ['NONE'],
        actor: 'client',
        updated_by: 'ops@client',
        reason: 'customer moved',
      },
      {
        field: 'customer_details.mailing_address.city',
        before: 'New York',
        after: 'Boston',
        actor: 'client',
        updated_by: 'ops@client',
        reason: 'customer moved',
      },
      {
        field: 'customer_details.occupation',
        before: null,
        after: 'Mathematician',
        actor: 'client',
        updated_by: 'ops@client',
        reason: 'customer moved',
      },
    ]);
  });

  it('plain form: customer_details merged, detail fields and aliases at the top level; same result as the Layer2 form', async () => {
    const { t, id } = await readyIndividual();
    const res = await t.api.patch(`/v1/applications/${id}`, {
      customer_details: { middle_name: 'King' },
      email: 'ada@lovelace.example',
      phone: '+442071234567',
    });
    expect(res.status, res.raw).toBe(200);
    expect(res.body.data.customer_details).toEqual(
      individualDetails({ middle_name: 'King', email_address: 'ada@lovelace.example', telephone_number: '+442071234567' }),
    );
    const removed = await ok(t.api.patch(`/v1/applications/${id}`, { middle_name: null }));
    expect(removed.customer_details.middle_name).toBeUndefined();
  });

  it('a change that removes required data moves READY -> INCOMPLETE and back, with events', async () => {
    const { app, t, id } = await readyIndividual();
    const down = await ok(t.api.patch(`/v1/applications/${id}`, { updates: [{ field: 'customer_details.date_of_birth', value: null }] }));
    expect(down.status).toBe('INCOMPLETE');
    expect((await statusOf(t.api, id)).application_validation_errors).toEqual([
      { field_name: 'date_of_birth', field_status: 'INCOMPLETE', description: 'date_of_birth is required.' },
    ]);
    const terms = await ok(t.api.patch(`/v1/applications/${id}`, { date_of_birth: '1990-12-10', terms_and_conditions_accepted: false }));
    expect(terms.status).toBe('INCOMPLETE');
    expect((await statusOf(t.api, id)).application_errors).toEqual(['TERMS_AND_CONDITIONS_NOT_ACCEPTED']);
    expect((await ok(t.api.patch(`/v1/applications/${id}`, { terms_and_conditions_accepted: true }))).status).toBe('READY_FOR_SUBMISSION');
    expect((await eventsOf(app, t.clientId, id)).map((e) => e.type)).toEqual([
      'APPLICATION_INCOMPLETE',
      'APPLICATION_READY_FOR_SUBMISSION',
      'APPLICATION_INCOMPLETE',
      'APPLICATION_READY_FOR_SUBMISSION',
    ]);
    expect((await history(t, id)).filter((h) => h.field === 'status').map((h) => `${h.before}>${h.after}`)).toEqual([
      'INCOMPLETE>READY_FOR_SUBMISSION', // newest first
      'READY_FOR_SUBMISSION>INCOMPLETE',
      'INCOMPLETE>READY_FOR_SUBMISSION',
    ]);
  });

  it('conditional fields: a US address needs a state, OTHER employment a description, US citizens a tax id', async () => {
    const { t, id } = await readyIndividual();
    await ok(
      t.api.patch(`/v1/applications/${id}`, {
        updates: [
          { field: 'mailing_address.state', value: null },
          { field: 'employment_status', value: 'OTHER' },
          { field: 'us_residency_status', value: 'US_CITIZEN' },
        ],
      }),
    );
    expect((await statusOf(t.api, id)).application_validation_errors).toEqual([
      {
        field_name: 'mailing_address.state',
        field_status: 'INCOMPLETE',
        description: 'mailing_address.state is required when mailing_address.country_code is US.',
      },
      {
        field_name: 'tax_reference_number',
        field_status: 'INCOMPLETE',
        description: 'tax_reference_number is required when us_residency_status is US_CITIZEN or RESIDENT_ALIEN.',
      },
      {
        field_name: 'employment_description',
        field_status: 'INCOMPLETE',
        description: 'employment_description is required when employment_status is OTHER.',
      },
    ]);
    const fixed = await ok(
      t.api.patch(`/v1/applications/${id}`, {
        address: { ...address, country_code: 'GB', state: undefined },
        tax_reference_number: '123-45-6789',
        employment_description: 'Inventor',
      }),
    );
    expect(fixed.status).toBe('READY_FOR_SUBMISSION');
  });

  it('changes customer_id and account_to_open, re-checking them', async () => {
    const { t, id } = await readyIndividual();
    const other = await createApplication(t.api, individualApplication());
    expectError(await t.api.patch(`/v1/applications/${id}`, { customer_id: other.customer_id }), 409, 'DUPLICATE_ID', 'customer_id');
    expectError(
      await t.api.patch(`/v1/applications/${id}`, {
        updates: [{ field: 'account_to_open.account_id', value: other.account_to_open.account_id }],
      }),
      409,
      'DUPLICATE_ID',
      'account_to_open.account_id',
    );
    expectError(
      await t.api.patch(`/v1/applications/${id}`, { updates: [{ field: 'account_to_open.product_id', value: 'NOPE' }] }),
      400,
      'VALIDATION_ERROR',
      'account_to_open.product_id',
    );
    const customerId = uid('cust');
    const account = accountToOpen({ asset_type_id: 'FIAT_TESTNET_EUR' });
    const changed = await ok(t.api.patch(`/v1/applications/${id}`, { customer_id: customerId, account_to_open: account }));
    expect([changed.customer_id, changed.account_to_open]).toEqual([customerId, account]);
    expectError(await t.api.patch(`/v1/applications/${id}`, { customer_id: null }), 400, 'VALIDATION_ERROR', 'customer_id');
  });

  it('refuses invalid or unknown fields, read-only changes, and mixed forms, changing nothing', async () => {
    const { t, id, created } = await readyIndividual();
    const before = await getApplication(t.api, id);
    const res = await t.api.patch(`/v1/applications/${id}`, {
      updates: [
        { field: 'customer_details.date_of_birth', value: '2999-01-01' },
        { field: 'customer_details.shoe_size', value: '42' },
        { field: 'status', value: 'APPROVED' },
      ],
    });
    expect([res.status, errs(res)]).toEqual([
      400,
      [
        { code: 'VALIDATION_ERROR', field: 'updates.1.field' },
        { code: 'NOT_UPDATABLE', field: 'status' },
      ],
    ]);
    expectError(await t.api.patch(`/v1/applications/${id}`, { date_of_birth: '2999-01-01' }), 400, 'VALIDATION_ERROR', 'date_of_birth');
    expectError(await t.api.patch(`/v1/applications/${id}`, { application_type: 'CORPORATION' }), 400, 'NOT_UPDATABLE', 'application_type');
    expectError(await t.api.patch(`/v1/applications/${id}`, { registered_name: 'Acme' }), 400, 'VALIDATION_ERROR', 'registered_name');
    expectError(await t.api.patch(`/v1/applications/${id}`, { favourite: 1 }), 400, 'VALIDATION_ERROR', 'favourite');
    expectError(
      await t.api.patch(`/v1/applications/${id}`, { updates: [{ field: 'first_name', value: 'A' }], last_name: 'B' }),
      400,
      'VALIDATION_ERROR',
      'last_name',
    );
    // Sending back the object received is accepted (read-only fields equal or ignored) and changes nothing.
    const { customer_details, ...top } = created;
    expect(
      (await ok(t.api.patch(`/v1/applications/${id}`, { ...top, ...customer_details, status: 'ANY', updated_at: 'x' }))).updated_at,
    ).toBe(before.updated_at);
    expect(await getApplication(t.api, id)).toEqual(before);
    expectError(await t.api.patch('/v1/applications/app_nope', { first_name: 'A' }), 404, 'NOT_FOUND', 'id');
  });

  it('works on corporations (address = registered_address; OTHER entity type needs a description)', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id } = await createApplication(t.api, corporationApplication());
    const res = await ok(
      t.api.patch(`/v1/applications/${id}`, { address: { ...address, city: 'Albany' }, corporate_entity_type: 'OTHER' }),
    );
    expect(res.customer_details.registered_address.city).toBe('Albany');
    expect((await statusOf(t.api, id)).application_validation_errors).toEqual([
      {
        field_name: 'corporate_entity_type_description',
        field_status: 'INCOMPLETE',
        description: 'corporate_entity_type_description is required when corporate_entity_type is OTHER.',
      },
    ]);
  });

  it('POST /accesscode gives a random code valid 24 hours; none once the application is final', async () => {
    const { t, id } = await readyIndividual();
    const before = Date.now();
    const a = await ok(t.api.post(`/v1/applications/${id}/accesscode`));
    const after = Date.now();
    const b = await ok(t.api.post(`/v1/applications/${id}/accesscode`));
    expect(a.id).toBe(id);
    expect(a.access_code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(b.access_code).not.toBe(a.access_code);
    const stored = await t.api.app.ledgerline.database.db
      .select()
      .from(applicationAccessCodes)
      .where(eq(applicationAccessCodes.applicationId, id))
      .orderBy(asc(applicationAccessCodes.seq));
    const sha = (code: string) => createHash('sha256').update(code).digest('hex');
    expect(stored.map((r) => [r.clientId, r.codeHash, r.expiresAt.toISOString()])).toEqual([
      [t.clientId, sha(a.access_code), a.expiry],
      [t.clientId, sha(b.access_code), b.expiry],
    ]);
    // expiry = the time of the call + 24 h
    expect(new Date(a.expiry).getTime() - 24 * 3600 * 1000).toBeGreaterThanOrEqual(before);
    expect(new Date(a.expiry).getTime() - 24 * 3600 * 1000).toBeLessThanOrEqual(after);
    await ok(t.api.post(`/v1/applications/${id}/submit`));
    expectError(await t.api.post(`/v1/applications/${id}/accesscode`), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.post('/v1/applications/app_nope/accesscode'), 404, 'NOT_FOUND', 'id');
  });
});
