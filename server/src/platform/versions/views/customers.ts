/**
 * Customers and their individuals as 1.0.5 describes them: the fields only Rail 1.1.2 has
 * (`citizenship`, `tax_reference_number_country`, `ip_address`, `registered_number_country`, the
 * corporate tax reference, KYC `has_complex_ownership` and `business_jurisdictions`) are accepted
 * and stored in either version, and not shown to a 1.0.5 client (docs/versions.md). The same
 * mapping as applications' `customer_details` (applications.ts).
 */
import { defineViews, onData, onItems } from '../views.js';
import { details105, person105 } from './applications.js';

const customer105 = (c: Record<string, any>) => details105(c) ?? c;

defineViews(['POST /v1/customers', 'GET /v1/customers/{}', 'PATCH /v1/customers/{}'], { '1.0.5': onData(customer105) });
defineViews('GET /v1/customers', { '1.0.5': onItems('customers', customer105) });
defineViews(['POST /v1/customers/{}/individuals', 'GET /v1/customers/{}/individuals/{}', 'PATCH /v1/customers/{}/individuals/{}'], {
  '1.0.5': onData(person105),
});
