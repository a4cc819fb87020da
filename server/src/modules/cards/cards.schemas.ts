import { Type } from 'typebox';
import { CARD_AUTHORIZATION_STATUSES, CARD_STATUSES, CLOSED_REASONS } from '../../db/schema-cards.js';
import { AmountInput, AmountOutput } from '../../platform/money-schemas.js';
import { Address } from '../customers/index.js';

const opt = Type.Optional;
const Mcc = Type.String({ pattern: '^[0-9]{4}$', description: 'A 4-digit merchant category code (ISO 18245).', examples: ['5812'] });
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.', examples: ['US'] });

export const DECLINE_REASONS = [
  'CARD_NOT_ACTIVE',
  'CARD_EXPIRED',
  'ACCOUNT_NOT_TRANSACTABLE',
  'MCC_NOT_ALLOWED',
  'COUNTRY_NOT_ALLOWED',
  'PER_AUTHORIZATION_LIMIT',
  'DAILY_LIMIT',
  'MONTHLY_LIMIT',
  'INSUFFICIENT_FUNDS',
  'DECLINED_BY_CLIENT',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const controls = (amount: typeof AmountInput | typeof AmountOutput) =>
  Type.Object(
    {
      per_authorization_limit: opt({ ...amount, description: 'The most one authorization may be, in the account’s asset.' }),
      daily_limit: opt({ ...amount, description: 'The most approved (less reversed) per UTC day of the sandbox clock.' }),
      monthly_limit: opt({ ...amount, description: 'The most approved (less reversed) per UTC calendar month of the sandbox clock.' }),
      allowed_mccs: opt(Type.Array(Mcc, { maxItems: 200, description: 'Only these merchant categories (when set).' })),
      blocked_mccs: opt(Type.Array(Mcc, { maxItems: 200, description: 'Never these merchant categories.' })),
      allowed_countries: opt(Type.Array(Country, { maxItems: 250, description: 'Only merchants in these countries (when set).' })),
    },
    { additionalProperties: false },
  );

export const SpendingControlsInput = controls(AmountInput);
export const SpendingControls = controls(AmountOutput);

export const Card = Type.Object(
  {
    id: Type.String({ examples: ['card_01935f4e-8b1c-7000-8000-000000000001'] }),
    customer_id: Type.String(),
    account_id: Type.String(),
    card_type: Type.Union([Type.Literal('VIRTUAL'), Type.Literal('PHYSICAL')]),
    status: Type.String({
      enum: [...CARD_STATUSES],
      description: 'INACTIVE (PHYSICAL until activated), ACTIVE, LOCKED (frozen by you, reversible), CLOSED, LOST, STOLEN (terminal).',
    }),
    network: Type.Literal('VISA'),
    last4: Type.String({ pattern: '^[0-9]{4}$', examples: ['4242'] }),
    exp_month: Type.Integer({ minimum: 1, maximum: 12 }),
    exp_year: Type.Integer(),
    cardholder_name: Type.String(),
    spending_controls: SpendingControls,
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A card. Never carries the full card number or the CVV: see /sensitive.' },
);

export const Merchant = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Blue Bottle Coffee'] }),
    mcc: Mcc,
    city: opt(Type.String({ maxLength: 100 })),
    country: Country,
  },
  { additionalProperties: false },
);

export const Authorization = Type.Object({
  id: Type.String({ examples: ['cauth_01935f4e-8b1c-7000-8000-000000000002'] }),
  card_id: Type.String(),
  account_id: Type.String(),
  status: Type.String({
    enum: [...CARD_AUTHORIZATION_STATUSES],
    description: 'PENDING (funds held), CLOSED (captured, reversed or expired), DECLINED (recorded; nothing moved).',
  }),
  amount: { ...AmountOutput, description: 'What is authorized: the first amount plus increments.' },
  captured_amount: AmountOutput,
  reversed_amount: AmountOutput,
  decline_reason: Type.Union([Type.String({ enum: [...DECLINE_REASONS] }), Type.Null()], { description: 'When DECLINED.' }),
  closed_reason: Type.Union([Type.String({ enum: [...CLOSED_REASONS] }), Type.Null()], { description: 'When CLOSED.' }),
  merchant: Merchant,
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({
    format: 'date-time',
    description: 'A PENDING authorization not captured by then expires: its hold is released.',
  }),
});

export const CreateCardBody = Type.Object(
  {
    customer_id: Type.String({ minLength: 1, maxLength: 128 }),
    account_id: Type.String({ minLength: 1, maxLength: 128 }),
    card_type: Type.Union([Type.Literal('VIRTUAL'), Type.Literal('PHYSICAL')]),
    cardholder_name: opt(Type.String({ minLength: 1, maxLength: 100, description: 'Default: the customer’s name.' })),
    spending_controls: opt(SpendingControlsInput),
    shipping_address: opt({ ...Address, description: 'Where a PHYSICAL card is sent (required there).' }),
  },
  { additionalProperties: false, examples: [{ customer_id: 'cust-0001', account_id: 'acc-0001', card_type: 'VIRTUAL' }] },
);

export const PatchCardBody = Type.Object(
  {
    updates: opt(
      Type.Array(
        Type.Object(
          {
            field: Type.String({ minLength: 1, maxLength: 200, description: 'Dotted path, e.g. spending_controls.daily_limit or status' }),
            value: Type.Unknown({ description: 'A string, or JSON; null removes' }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 50 },
      ),
    ),
    updated_by: opt(Type.String({ maxLength: 200 })),
    reason: opt(Type.String({ maxLength: 500 })),
    cardholder_name: opt(Type.String({ minLength: 1, maxLength: 100 })),
    spending_controls: opt(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
        description: 'Merged into the card’s controls (RFC 7396: null removes one); the result is validated whole.',
      }),
    ),
    status: opt(Type.String({ enum: [...CARD_STATUSES] })),
  },
  { additionalProperties: true, examples: [{ status: 'LOCKED', reason: 'customer asked' }] },
);

export const AuthorizationWebhook = Type.Object({
  url: Type.String(),
  timeout_decision: Type.Union([Type.Literal('APPROVE'), Type.Literal('DECLINE')]),
  signature_verification_key: Type.String({ description: 'Hex Ed25519 public key: verify x-signature over <x-timestamp><raw body>.' }),
});

export const AmountBody = Type.Object({ amount: AmountInput }, { additionalProperties: false, examples: [{ amount: 12.5 }] });
export const OptionalAmountBody = Type.Union([
  Type.Object({ amount: opt(AmountInput) }, { additionalProperties: false, examples: [{ amount: 5 }] }),
  Type.Null(),
]);
