import { type Static, Type } from 'typebox';
import { ExternalId } from '../customers/index.js';

/** Accounts spell ACTIVE as OPEN on the wire (LAYER2_API.md §2.5); ACTIVE is accepted on input. */
export const ACCOUNT_STATUSES = ['OPEN', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED', 'PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F'] as const;
const StatusOut = Type.Unsafe<string>({ type: 'string', enum: [...ACCOUNT_STATUSES] });
const StatusIn = Type.Unsafe<string>({ type: 'string', enum: [...ACCOUNT_STATUSES, 'ACTIVE'] });

export const AccountToOpen = Type.Object(
  {
    account_id: ExternalId,
    product_id: Type.String({ minLength: 1, maxLength: 64 }),
    asset_type_id: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const OpenAccountBody = Type.Object(
  { customer_id: Type.String({ minLength: 1, maxLength: 128 }), account_to_open: AccountToOpen },
  { additionalProperties: false },
);
export type OpenAccountBodyT = Static<typeof OpenAccountBody>;

const Amount = Type.Unsafe<number>({ type: 'number', description: 'Exact decimal in the asset’s unit (never rounded through a float).' });

export const Account = Type.Object({
  id: Type.String(),
  status: StatusOut,
  asset_type_id: Type.String(),
  product_type: Type.String({ enum: ['CLIENT', 'DEPOSIT', 'VIRTUAL'] }),
  product_id: Type.String(),
  customer_id: Type.String(),
  current_balance: Amount,
  available_balance: Amount,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

const ro = (description: string) => Type.Optional(Type.Unknown({ description }));
export const PatchAccountBody = Type.Object(
  {
    updates: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String({ minLength: 1, maxLength: 200 }), value: Type.Unknown() }, { additionalProperties: false }),
        { minItems: 1, maxItems: 20 },
      ),
    ),
    updated_by: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    status: Type.Optional(StatusIn),
    id: ro('read-only: accepted when equal to the current value'),
    customer_id: ro('read-only: accepted when equal to the current value'),
    product_id: ro('read-only: accepted when equal to the current value'),
    product_type: ro('read-only: accepted when equal to the current value'),
    asset_type_id: ro('read-only: accepted when equal to the current value'),
    current_balance: ro('read-only, ignored'),
    available_balance: ro('read-only, ignored'),
    created_at: ro('read-only, ignored'),
    updated_at: ro('read-only, ignored'),
  },
  { additionalProperties: false, description: 'Only status can be updated (Layer2). Both PATCH forms.' },
);

export const ListAccountsQuery = Type.Object(
  {
    customer_id: Type.Optional(Type.String({ maxLength: 128 })),
    product_type: Type.Optional(Type.String({ enum: ['CLIENT', 'DEPOSIT', 'VIRTUAL'] })),
    status: Type.Optional(StatusIn),
    page: Type.Optional(Type.String({ pattern: '^\\d{1,6}$' })),
    page_size: Type.Optional(Type.String({ pattern: '^\\d{1,3}$' })),
    limit: Type.Optional(Type.String({ pattern: '^\\d{1,3}$' })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    order: Type.Optional(Type.Union([Type.Literal('DESC'), Type.Literal('ASC')])),
  },
  { additionalProperties: false },
);

export const AddressLease = Type.Object({
  id: Type.String(),
  wallet_address: Type.String(),
  asset_type_id: Type.String(),
  lease_enforced: Type.Boolean({ description: 'false: the address stays bound to the account; true: a temporary lease' }),
  lease_end_date: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lease_transaction_limit: Type.Union([Type.Integer(), Type.Null()]),
  lease_value_limit: Type.Union([Amount, Type.Null()]),
});
