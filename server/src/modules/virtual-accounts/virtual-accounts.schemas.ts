import { Type } from 'typebox';
import { VIRTUAL_ACCOUNT_RAILS, VIRTUAL_ACCOUNT_STATUSES } from '../../db/schema-virtual-accounts.js';
import { PageQuery } from '../../platform/http-schemas.js';

const common = {
  id: Type.String({ description: 'The virtual account’s id.' }),
  account_id: Type.String({ description: 'The deposit account the details credit.' }),
  customer_id: Type.String({ description: 'The customer owning that account.' }),
  status: Type.String({
    enum: [...VIRTUAL_ACCOUNT_STATUSES],
    description:
      'ACTIVE: funds sent to the details credit the account. DISABLED or CLOSED: they are returned to the sender. CLOSED is terminal.',
  }),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Your label for these details.' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
};

export const UsVirtualAccount = Type.Object(
  {
    ...common,
    rail: Type.String({ enum: ['ACH', 'FEDWIRE'] }),
    account_number: Type.String({ pattern: '^[0-9]{10,17}$', description: 'Unique across the platform.' }),
    routing_number: Type.String({ pattern: '^[0-9]{9}$', description: 'The sandbox bank’s ABA routing number (valid check digit).' }),
  },
  { title: 'UsVirtualAccount' },
);
export const SepaVirtualAccount = Type.Object(
  {
    ...common,
    rail: Type.Literal('SEPA_CT'),
    iban: Type.String({ description: 'A sandbox IBAN with valid mod-97 check digits; unique across the platform.' }),
    bic: Type.String({ description: 'The sandbox bank’s BIC.' }),
  },
  { title: 'SepaVirtualAccount' },
);

export const EXAMPLE_US = {
  id: 'va_01938b2e-7c1a-7d3e-9f00-1a2b3c4d5e6f',
  account_id: 'acct-ops-usd',
  customer_id: 'cust-0001',
  rail: 'ACH',
  status: 'ACTIVE',
  name: 'Rent collections',
  account_number: '583920174652',
  routing_number: '101000048',
  created_at: '2026-01-02T03:04:05.000Z',
  updated_at: '2026-01-02T03:04:05.000Z',
};
export const EXAMPLE_SEPA = {
  id: 'va_01938b2e-7c1a-7d3e-9f00-6f5e4d3c2b1a',
  account_id: 'acct-ops-eur',
  customer_id: 'cust-0001',
  rail: 'SEPA_CT',
  status: 'ACTIVE',
  name: 'EU invoices',
  iban: 'DE27100999995830174652',
  bic: 'LDGRDEFFXXX',
  created_at: '2026-01-02T03:04:05.000Z',
  updated_at: '2026-01-02T03:04:05.000Z',
};

/** One of the two shapes, by rail (ACH and FEDWIRE share one). */
export const VirtualAccount = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  oneOf: [UsVirtualAccount, SepaVirtualAccount],
  description: 'ACH and FEDWIRE details: an account number and a routing number; SEPA_CT details: an IBAN and a BIC.',
  examples: [EXAMPLE_US, EXAMPLE_SEPA],
});

export const CreateVirtualAccountBody = Type.Object(
  {
    rail: Type.String({ enum: [...VIRTUAL_ACCOUNT_RAILS], description: 'ACH and FEDWIRE need a USD account, SEPA_CT a EUR account.' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Your label for these details.' })),
  },
  { additionalProperties: false, examples: [{ rail: 'ACH', name: 'Rent collections' }] },
);

const ro = (description: string) => Type.Optional(Type.Unknown({ description }));
const fixed = 'read-only: accepted when equal to the current value';
export const PatchVirtualAccountBody = Type.Object(
  {
    updates: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String({ minLength: 1, maxLength: 200 }), value: Type.Unknown() }, { additionalProperties: false }),
        { minItems: 1, maxItems: 20 },
      ),
    ),
    updated_by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    status: Type.Optional(Type.String({ enum: [...VIRTUAL_ACCOUNT_STATUSES] })),
    name: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], { description: 'null removes the label.' }),
    ),
    id: ro(fixed),
    account_id: ro(fixed),
    customer_id: ro(fixed),
    rail: ro(fixed),
    account_number: ro(fixed),
    routing_number: ro(fixed),
    iban: ro(fixed),
    bic: ro(fixed),
    created_at: ro('read-only, ignored'),
    updated_at: ro('read-only, ignored'),
  },
  {
    additionalProperties: false,
    description: 'status and name. Both PATCH forms: a plain object, or Layer2’s {updates:[{field, value}], updated_by, reason}.',
    examples: [{ status: 'DISABLED', reason: 'tenant moved out' }],
  },
);

export const ListVirtualAccountsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.String({ enum: [...VIRTUAL_ACCOUNT_STATUSES] })),
    rail: Type.Optional(Type.String({ enum: [...VIRTUAL_ACCOUNT_RAILS] })),
  },
  { additionalProperties: false },
);
