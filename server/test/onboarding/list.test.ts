import { beforeAll, describe, expect, it } from 'vitest';
import { getApp, newTenant } from '../helpers.js';
import {
  corporationApplication,
  corporationDetails,
  createApplication,
  individualApplication,
  individualDetails,
  ok,
  uploadAll,
} from './_fixtures.js';

// The worker's app starts under the hook timeout, not the first test's.
beforeAll(() => getApp());

describe('GET /v1/applications', () => {
  it('lists newest first with filters, in page and cursor style', async () => {
    const t = await newTenant(await getApp(), { regulated: false });
    const ada = await createApplication(t.api, individualApplication(individualDetails({ email_address: 'Ada@Example.com' })));
    const acme = await createApplication(t.api, corporationApplication(corporationDetails({ trading_name: 'Roadrunner Traps' })));
    const bob = await createApplication(
      t.api,
      individualApplication(individualDetails({ first_name: 'Bob', last_name: 'Builder', email_address: 'bob@example.com' }), {
        terms_and_conditions_accepted: false,
      }),
    );
    await uploadAll(t.api, ada.id);
    const ids = async (qs: string) => (await ok(t.api.get(`/v1/applications${qs}`))).applications.map((a: any) => a.id);

    expect(await ids('')).toEqual([bob.id, acme.id, ada.id]);
    expect(await ids('?order=ASC')).toEqual([ada.id, acme.id, bob.id]);
    expect(await ids('?status=READY_FOR_SUBMISSION')).toEqual([ada.id]);
    expect(await ids('?status=INCOMPLETE')).toEqual([bob.id, acme.id]);
    expect(await ids('?application_type=CORPORATION')).toEqual([acme.id]);
    expect(await ids(`?customer_id=${bob.customer_id}`)).toEqual([bob.id]);
    expect(await ids('?terms_and_conditions_accepted=false')).toEqual([bob.id]);
    expect(await ids('?terms_and_conditions_accepted=true&information_attested=true')).toEqual([acme.id, ada.id]);
    expect(await ids('?customer_name=lovel')).toEqual([ada.id]);
    expect(await ids('?customer_name=ROADRUNNER')).toEqual([acme.id]);
    expect(await ids('?customer_name=ada%20lovelace')).toEqual([ada.id]);
    expect(await ids('?email_address=ada%40example.COM')).toEqual([ada.id]);
    expect(await ids('?customer_name=100%25')).toEqual([]);

    const page = await t.api.get('/v1/applications?page=1&page_size=2&application_type=INDIVIDUAL');
    expect(page.body.data.applications).toEqual([]);
    const first = await t.api.get('/v1/applications?page=0&page_size=2');
    expect(first.body.data.applications.map((a: any) => a.id)).toEqual([bob.id, acme.id]);
    expect(first.body.links).toEqual({
      self: '/v1/applications?page=0&page_size=2',
      first: '/v1/applications?page=0&page_size=2',
      prev: '/v1/applications?page=0&page_size=2',
      next: '/v1/applications?page=1&page_size=2',
      last: '/v1/applications?page=1&page_size=2',
    });
    expect(first.body.pagination).toEqual({ has_more: true, next_cursor: expect.any(String) });
    expect(first.body.data.applications[1]).toEqual(await ok(t.api.get(`/v1/applications/${acme.id}`)));

    const c1 = await t.api.get('/v1/applications?limit=2');
    const c2 = await t.api.get(`/v1/applications?limit=2&cursor=${c1.body.pagination.next_cursor}`);
    expect([...c1.body.data.applications, ...c2.body.data.applications].map((a: any) => a.id)).toEqual([bob.id, acme.id, ada.id]);
    expect(c2.body.pagination).toEqual({ has_more: false, next_cursor: null });

    for (const bad of [
      '?status=DONE',
      '?terms_and_conditions_accepted=yes',
      '?page_size=101',
      '?colour=red',
      '?page=0&limit=2',
      '?order_by=customer_id',
    ]) {
      const res = await t.api.get(`/v1/applications${bad}`);
      expect([bad, res.status, res.body.errors[0].code]).toEqual([bad, 400, 'VALIDATION_ERROR']);
    }
  });
});
