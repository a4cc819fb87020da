import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import {
  corporationApplication,
  corporationDetails,
  createApplication,
  eventsOf,
  expectError,
  getApplication,
  ok,
  person,
  requiredDocuments,
  statusOf,
  uploadAll,
} from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

const owner = (share: number, extra: Record<string, unknown> = {}) =>
  person({
    individual_type: ['BENEFICIAL_OWNER'],
    title: undefined,
    first_name: 'Olga',
    last_name: `Owner${share}`,
    percentage_ownership: share,
    ...extra,
  });

describe('corporation journey', () => {
  it('officers, owners and documents until READY; submit approves: customer with its individuals, and the account', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const body = corporationApplication();
    const created = await createApplication(t.api, body);
    const id = created.id as string;
    expect(created).toMatchObject({
      status: 'INCOMPLETE',
      application_type: 'CORPORATION',
      customer_details: { ...corporationDetails(), individuals: [] },
    });

    let s = await statusOf(t.api, id);
    expect(s.application_errors).toEqual(['MISSING_INDIVIDUAL', 'MISSING_OFFICER', 'MISSING_CONTROL_PERSON', 'MISSING_BENEFICIAL_OWNER']);
    expect(s.application_validation_errors).toEqual([]);
    expect(s.application_document_errors.map((d: any) => [d.document, d.status])).toEqual([['INCORPORATION_DOCUMENTS', 'MISSING']]);
    expect(s.individual_errors).toEqual([]);

    const ceo = await ok(t.api.post(`/v1/applications/${id}/individual`, person()));
    expect(ceo.id).toMatch(/^ind_[0-9a-f-]{36}$/);
    expect(ceo).toMatchObject({ application_id: id, ...person() });
    s = await statusOf(t.api, id);
    expect(s.application_errors).toEqual(['MISSING_BENEFICIAL_OWNER']);
    expect(s.individual_errors).toEqual([
      {
        id: ceo.id,
        individual_validation_errors: [],
        individual_document_errors: [expect.objectContaining({ status: 'MISSING', document: 'GOVERNMENT_ID_FRONT' })],
      },
    ]);
    const ceoDoc = s.individual_errors[0].individual_document_errors[0].id;

    // A 30% owner needs an ID; a 10% owner does not; 30 + 10 + 61 would pass 100%.
    const big = await ok(t.api.post(`/v1/applications/${id}/individual`, owner(30, { date_of_birth: undefined })));
    const small = await ok(t.api.post(`/v1/applications/${id}/individual`, owner(10)));
    expectError(await t.api.post(`/v1/applications/${id}/individual`, owner(61)), 400, 'VALIDATION_ERROR', 'percentage_ownership');

    s = await statusOf(t.api, id);
    expect(s.application_errors).toEqual([]);
    expect(
      s.individual_errors.map((i: any) => [i.id, i.individual_validation_errors, i.individual_document_errors.map((d: any) => d.document)]),
    ).toEqual([
      [ceo.id, [], ['GOVERNMENT_ID_FRONT']],
      [
        big.id,
        [{ field_name: 'date_of_birth', field_status: 'INCOMPLETE', description: 'date_of_birth is required.' }],
        ['GOVERNMENT_ID_FRONT'],
      ],
      [small.id, [], []],
    ]);
    expect(s.individual_errors[0].individual_document_errors[0].id).toBe(ceoDoc);

    await uploadAll(t.api, id);
    expect((await requiredDocuments(t.api, id)).map((d) => [d.owner, d.document, d.status])).toEqual([
      ['application', 'INCORPORATION_DOCUMENTS', 'SUBMITTED'],
      [ceo.id, 'GOVERNMENT_ID_FRONT', 'SUBMITTED'],
      [big.id, 'GOVERNMENT_ID_FRONT', 'SUBMITTED'],
    ]);
    expect((await getApplication(t.api, id)).status).toBe('INCOMPLETE');
    expect((await t.api.patch(`/v1/applications/${id}/individual/${big.id}`, { date_of_birth: '1970-05-06' })).status).toBe(200);
    expect((await getApplication(t.api, id)).status).toBe('READY_FOR_SUBMISSION');

    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('APPROVED');
    const customer = await ok(t.api.get(`/v1/customers/${body.customer_id}`));
    expect(customer).toMatchObject({ id: body.customer_id, customer_type: 'CORPORATION', status: 'ACTIVE', ...corporationDetails() });
    const strip = ({ id: _i, customer_id: _c, application_id: _a, created_at: _ca, updated_at: _u, ...rest }: any) => rest;
    expect(customer.individuals.map(strip)).toEqual([person(), { ...strip(big), date_of_birth: '1970-05-06' }, strip(small)]);
    for (const i of customer.individuals) expect(i.id).toMatch(/^ind_/);
    expect(customer.accounts).toEqual([{ id: body.account_to_open.account_id, asset_type_id: 'FIAT_TESTNET_USD', status: 'OPEN' }]);

    expect((await eventsOf(app, t.clientId, id)).map((e) => e.type)).toEqual([
      'APPLICATION_INCOMPLETE',
      'APPLICATION_READY_FOR_SUBMISSION',
      'APPLICATION_SUBMITTED',
      'APPLICATION_PROCESSING',
      'APPLICATION_APPROVED',
    ]);
    // Final: nothing can change any more.
    expectError(await t.api.patch(`/v1/applications/${id}`, { trading_name: 'X' }), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.post(`/v1/applications/${id}/individual`, owner(5)), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.delete(`/v1/applications/${id}/individual/${small.id}`), 400, 'NOT_UPDATABLE', 'status');
    expectError(await t.api.post(`/v1/applications/${id}/submit`), 400, 'INVALID_STATUS_TRANSITION', 'status');
  });

  it('an operator-decided corporation (REVIEW in its name) waits in PROCESSING, then CHANGES_REQUESTED, fixed, resubmitted, approved', async () => {
    const app = await getApp();
    const t = await newTenant(app, { regulated: false });
    const body = corporationApplication(corporationDetails({ registered_name: 'Review Holdings LLC', corporate_entity_type: 'LLC' }));
    const { id } = await createApplication(t.api, body);
    const ceo = await ok(
      t.api.post(
        `/v1/applications/${id}/individual`,
        person({ individual_type: ['OFFICER', 'CONTROL_PERSON', 'BENEFICIAL_OWNER'], percentage_ownership: 100 }),
      ),
    );
    expect((await requiredDocuments(t.api, id)).map((d) => d.document)).toEqual([
      'INCORPORATION_DOCUMENTS',
      'LLC_AGREEMENT',
      'GOVERNMENT_ID_FRONT',
    ]);
    await uploadAll(t.api, id);
    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');

    const docs = await requiredDocuments(t.api, id);
    const llc = docs.find((d) => d.document === 'LLC_AGREEMENT')!;
    const asked = await ok(
      t.operator.post(`/v1/admin/applications/${id}/decision`, {
        decision: 'CHANGES_REQUESTED',
        reason: 'unsigned agreement; typo in name',
        fields: [`individuals.${ceo.id}.last_name`, 'customer_details.registered_number'],
        documents: [llc.id],
      }),
    );
    expect(asked.status).toBe('CHANGES_REQUESTED');
    let s = await statusOf(t.api, id);
    expect(s.application_validation_errors).toEqual([
      {
        field_name: 'registered_number',
        field_status: 'CHANGES_REQUESTED',
        description: 'Change registered_number: the reviewer asked for it (unsigned agreement; typo in name).',
      },
    ]);
    expect(s.individual_errors[0].individual_validation_errors.map((e: any) => [e.field_name, e.field_status])).toEqual([
      ['last_name', 'CHANGES_REQUESTED'],
    ]);
    expect(s.application_document_errors.find((d: any) => d.id === llc.id).status).toBe('CHANGES_REQUESTED');

    await ok(t.api.patch(`/v1/applications/${id}`, { updates: [{ field: 'customer_details.registered_number', value: 'C7654321' }] }));
    await ok(t.api.patch(`/v1/applications/${id}/individual/${ceo.id}`, { last_name: 'Hopper-Smith' }));
    expect((await getApplication(t.api, id)).status).toBe('CHANGES_REQUESTED');
    await uploadAll(t.api, id);
    expect((await getApplication(t.api, id)).status).toBe('READY_FOR_SUBMISSION');
    s = await statusOf(t.api, id);
    expect([s.application_validation_errors, s.individual_errors[0].individual_validation_errors]).toEqual([[], []]);

    expect((await ok(t.api.post(`/v1/applications/${id}/submit`))).status).toBe('PROCESSING');
    expect((await ok(t.operator.post(`/v1/admin/applications/${id}/decision`, { decision: 'APPROVED', reason: 'all good' }))).status).toBe(
      'APPROVED',
    );
    expect((await ok(t.api.get(`/v1/customers/${body.customer_id}`))).registered_number).toBe('C7654321');
    expect((await eventsOf(app, t.clientId, id)).map((e) => e.type)).toEqual([
      'APPLICATION_INCOMPLETE',
      'APPLICATION_READY_FOR_SUBMISSION',
      'APPLICATION_SUBMITTED',
      'APPLICATION_PROCESSING',
      'APPLICATION_CHANGE_REQUESTED',
      'APPLICATION_READY_FOR_SUBMISSION',
      'APPLICATION_SUBMITTED',
      'APPLICATION_PROCESSING',
      'APPLICATION_APPROVED',
    ]);
  });
});
