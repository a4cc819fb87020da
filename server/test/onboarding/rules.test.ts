import { beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../../src/db/schema-onboarding.js';
import { assertTransition, eventTypeOf, impliedStatus, rulesOf } from '../../src/modules/applications/applications.machine.js';
import { unresolved } from '../../src/modules/applications/applications.rules.js';
import { getApp, newTenant } from '../helpers.js';
import { corporationApplication, corporationDetails, createApplication, ok, person, requiredDocuments, statusOf } from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

describe('status machine', () => {
  it('allows exactly the transitions of docs/applications.md', () => {
    const allowed: Record<ApplicationStatus, ApplicationStatus[]> = {
      INCOMPLETE: ['READY_FOR_SUBMISSION'],
      READY_FOR_SUBMISSION: ['INCOMPLETE', 'SUBMITTED'],
      SUBMITTED: ['PROCESSING'],
      PROCESSING: ['APPROVED', 'REJECTED', 'CHANGES_REQUESTED'],
      CHANGES_REQUESTED: ['READY_FOR_SUBMISSION', 'INCOMPLETE'],
      APPROVED: [],
      REJECTED: [],
    };
    for (const from of APPLICATION_STATUSES) {
      for (const to of APPLICATION_STATUSES) {
        const ok = allowed[from].includes(to);
        if (ok) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to), `${from} -> ${to}`).toThrow(/cannot move/);
      }
    }
    expect(APPLICATION_STATUSES.filter((s) => rulesOf(s).editable)).toEqual(['INCOMPLETE', 'READY_FOR_SUBMISSION', 'CHANGES_REQUESTED']);
    expect(APPLICATION_STATUSES.map(eventTypeOf)).toEqual([
      'APPLICATION_INCOMPLETE',
      'APPLICATION_READY_FOR_SUBMISSION',
      'APPLICATION_SUBMITTED',
      'APPLICATION_PROCESSING',
      'APPLICATION_CHANGE_REQUESTED',
      'APPLICATION_APPROVED',
      'APPLICATION_REJECTED',
    ]);
  });

  it('implied status: data drives INCOMPLETE/READY; CHANGES_REQUESTED waits for every fix; others never move by data', () => {
    const f = (complete: boolean, changesOutstanding: boolean) => ({ complete, changesOutstanding });
    expect(impliedStatus('INCOMPLETE', f(true, false))).toBe('READY_FOR_SUBMISSION');
    expect(impliedStatus('READY_FOR_SUBMISSION', f(false, false))).toBe('INCOMPLETE');
    expect(impliedStatus('CHANGES_REQUESTED', f(true, true))).toBe('CHANGES_REQUESTED');
    expect(impliedStatus('CHANGES_REQUESTED', f(true, false))).toBe('READY_FOR_SUBMISSION');
    expect(impliedStatus('CHANGES_REQUESTED', f(false, false))).toBe('INCOMPLETE');
    for (const s of ['SUBMITTED', 'PROCESSING', 'APPROVED', 'REJECTED'] as const) expect(impliedStatus(s, f(false, false))).toBe(s);
  });

  it('a requested field is resolved by a change at, under, or above it', () => {
    const asked = ['customer_details.mailing_address', 'customer_details.first_name', 'individuals.ind_1.title'];
    expect(unresolved(asked, ['customer_details.mailing_address.city'])).toEqual(asked.slice(1));
    expect(unresolved(asked, ['customer_details.first_name_extra'])).toEqual(asked);
    expect(unresolved(asked, ['individuals.ind_1.title', 'customer_details.first_name'])).toEqual([asked[0]]);
  });
});

describe('corporate requirements', () => {
  it('conditional fields, exemptions and entity-type documents', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const { id } = await createApplication(
      t.api,
      corporationApplication(
        corporationDetails({
          corporate_entity_type: 'LLP',
          state_of_incorporation: undefined,
          kyc_profile: { regulated_status: 'LICENSED', primary_business: 'OTHER', control_exemption_reason: 'PUBLICLY_TRADED' },
        }),
      ),
    );
    let s = await statusOf(t.api, id);
    expect(s.application_validation_errors.map((e: any) => e.field_name)).toEqual([
      'state_of_incorporation',
      'kyc_profile.regulation_agency',
      'kyc_profile.description_of_business_nature',
    ]);
    // Exempt from control persons and beneficial owners; still needs an officer.
    expect(s.application_errors).toEqual(['MISSING_INDIVIDUAL', 'MISSING_OFFICER']);
    expect((await requiredDocuments(t.api, id)).map((d) => d.document)).toEqual(['INCORPORATION_DOCUMENTS', 'PARTNERSHIP_AGREEMENT']);

    const officer = await ok(
      t.api.post(
        `/v1/applications/${id}/individual`,
        person({
          individual_type: ['OFFICER'],
          title: undefined,
          mailing_address: { address_line1: '1 A St', city: 'Austin', postal_code: '73301', country_code: 'US' },
        }),
      ),
    );
    s = await statusOf(t.api, id);
    expect(s.application_errors).toEqual([]);
    expect(s.individual_errors).toEqual([
      {
        id: officer.id,
        individual_validation_errors: [
          {
            field_name: 'mailing_address.state',
            field_status: 'INCOMPLETE',
            description: 'mailing_address.state is required when mailing_address.country_code is US.',
          },
          { field_name: 'title', field_status: 'INCOMPLETE', description: 'title is required when the individual is an OFFICER.' },
        ],
        individual_document_errors: [],
      },
    ]);
    await ok(
      t.api.patch(`/v1/applications/${id}`, { corporate_entity_type: 'NON_PROFIT', kyc_profile: { control_exemption_reason: 'NONE' } }),
    );
    s = await statusOf(t.api, id);
    expect(s.application_errors).toEqual(['MISSING_CONTROL_PERSON']);
    expect((await requiredDocuments(t.api, id)).map((d) => d.document)).toEqual(['INCORPORATION_DOCUMENTS']);
  });
});
