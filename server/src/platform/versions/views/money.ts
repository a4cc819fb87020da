/**
 * Deposits, withdrawals and counterparty linking as both Layer2 documents describe them.
 * See docs/versions.md for each mapping and why.
 */
import { findAccount } from '../../../modules/accounts/index.js';
import { findCustomer } from '../../../modules/customers/index.js';
import { defineViews, type Json, mapStatus, onData, type ViewContext } from '../views.js';

/** Withdrawal phases neither document has, as the nearest status both have (§5.5 point 4). */
export const WITHDRAWAL_STATUS: Record<string, string> = {
  CHANGES_REQUESTED: 'REQUESTED', // waits for a document before accept (GET …/status names it)
  AUTHORIZED: 'ACCEPTED',
  IN_PROGRESS: 'ACCEPTED',
  FAILED: 'REJECTED',
  RETURNED: 'REJECTED',
};
/** Deposits: an accepted pull is still REQUESTED until it settles; a returned one failed. */
export const DEPOSIT_STATUS: Record<string, string> = { ACCEPTED: 'REQUESTED', RETURNED: 'FAILURE' };
/** The instruction types both documents can represent (their Instruction enum). */
const INSTRUCTION_TYPES = new Set(['CRYPTO', 'ACH', 'FEDWIRE']);

const withdrawal = (w: Json) => mapStatus(w, WITHDRAWAL_STATUS);
defineViews(['POST /v1/withdrawals', 'GET /v1/withdrawals/{}', 'POST /v1/withdrawals/{}/accept', 'POST /v1/withdrawals/{}/cancel'], {
  common: onData(withdrawal),
});

/** Rail 1.1.2's withdrawal status: document errors carry `id` (and `document_id`, `mandatory`, `description`). */
defineViews('GET /v1/withdrawals/{}/status', {
  common: onData((s) => {
    const docs = (errors: Json[] = []) =>
      errors.map((d) => ({
        ...d,
        id: d.id ?? d.document_id,
        document_id: d.document_id ?? d.id,
        mandatory: d.mandatory ?? true,
        description: d.description ?? `Upload the ${String(d.document).toLowerCase()} with POST /v1/documents/${d.document_id ?? d.id}.`,
      }));
    return { ...withdrawal(s), document_errors: docs(s.document_errors), ...(s.documents && { documents: docs(s.documents) }) };
  }),
});

async function customerName(ctx: ViewContext, accountId: string | undefined): Promise<string | undefined> {
  // The request's own handle: its transaction in a mutation (the embedded database has one session).
  const db = ctx.request.ctx?.db ?? ctx.request.server.ledgerline.database.db;
  const tenant = ctx.request.auth?.tenantId;
  if (!tenant || !accountId) return undefined;
  const account = await findAccount(db, tenant, accountId);
  const customer = account && (await findCustomer(db, tenant, account.customerId));
  if (!customer) return undefined;
  const d = customer.details as Json;
  return customer.customerType === 'CORPORATION'
    ? (d.registered_name as string)
    : [d.first_name, d.middle_name, d.last_name].filter((p) => typeof p === 'string' && p).join(' ');
}

/**
 * Deposits: statuses in the documents' enum; `customer_name` (required on 1.1.2's DepositPush,
 * an extra field for 1.0.5); instructions of rails the documents cannot describe (SWIFT, SEPA_CT,
 * FPS…) move to `other_deposit_instructions`, an addition.
 */
async function deposit(d: Json, ctx: ViewContext): Promise<Json> {
  let out = mapStatus(d, DEPOSIT_STATUS);
  const name = await customerName(ctx, d.deposit_destination?.destination_account_id);
  if (name) out = { ...out, customer_name: name };
  const instructions = out.deposit_source?.deposit_instructions as Json[] | undefined;
  if (Array.isArray(instructions)) {
    const kept = instructions.filter((i) => INSTRUCTION_TYPES.has(i.instruction_type));
    const other = instructions.filter((i) => !INSTRUCTION_TYPES.has(i.instruction_type));
    out = {
      ...out,
      deposit_source: { ...out.deposit_source, deposit_instructions: kept, ...(other.length && { other_deposit_instructions: other }) },
    };
  }
  return out;
}
defineViews(['POST /v1/deposits', 'GET /v1/deposits/{}', 'POST /v1/deposits/{}/accept'], {
  common: onData(deposit),
  // customer_name is Rail 1.1.2's (required there); 1.0.5 has no such field.
  '1.0.5': onData(({ customer_name: _n, ...d }) => d),
});

/**
 * Counterparty linking: both documents answer the linking object itself (the request's fields and
 * what the platform adds), not wrapped in `data`; it is given at the top level and in `data`.
 */
defineViews(['POST /v1/counterparties/{}/link/details', 'POST /v1/counterparties/{}/link/accounts'], {
  common: (body, ctx) => {
    if (!body.data || typeof body.data !== 'object') return body;
    const sent = (ctx.request.body ?? {}) as Json;
    // The linking object: what was sent, with what the platform adds (widget URL, accounts).
    const data = { linking_provider: 'MX', ...sent, ...body.data };
    return { ...data, ...body, data };
  },
});

export { deposit as depositView, withdrawal as withdrawalView };

/**
 * Payments (1.1.2): a payment waiting for its invoice is REQUESTED in `status` (the enum Rail's
 * description gives has no CHANGES_REQUESTED; status_detail and GET …/status say it); instructions
 * per asset as for deposits (rails Rail's Instruction cannot describe in other_deposit_instructions).
 */
const PAYMENT_STATUS: Record<string, string> = { CHANGES_REQUESTED: 'REQUESTED' };
function payment(p: Json): Json {
  const out = mapStatus(p, PAYMENT_STATUS);
  const byAsset = out.payment_source?.deposit_instructions as Record<string, Json[]> | undefined;
  if (!byAsset) return out;
  const kept: Record<string, Json[]> = {};
  const other: Json[] = [];
  for (const [asset, list] of Object.entries(byAsset)) {
    kept[asset] = list.filter((i) => INSTRUCTION_TYPES.has(i.instruction_type));
    other.push(...list.filter((i) => !INSTRUCTION_TYPES.has(i.instruction_type)));
  }
  return {
    ...out,
    payment_source: { ...out.payment_source, deposit_instructions: kept, ...(other.length && { other_deposit_instructions: other }) },
  };
}
defineViews(['POST /v1/payments', 'GET /v1/payments/{}', 'POST /v1/payments/{}/accept'], { common: onData(payment) });
/**
 * The status endpoint says what GET /v1/payments/{id} says: `status` in the description's values
 * (REQUESTED while it waits for its invoice), Ledgerline's phase in `status_detail`, and the
 * document to upload in `document_errors`.
 */
defineViews('GET /v1/payments/{}/status', { common: onData((s) => mapStatus(s, PAYMENT_STATUS)) });
