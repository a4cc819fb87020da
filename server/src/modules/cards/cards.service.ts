import type { Ajv } from 'ajv';
import { Type } from 'typebox';
import type { Mode } from '../../config/index.js';
import type { StoredControls } from '../../db/schema-cards.js';
import type { SecretBox } from '../../platform/vault/index.js';
import type { AuthContext, Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toDecimalString, toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { diffFields, type PatchBody, PatchEngine } from '../../shared/patch.js';
import { canTransact, type Status } from '../../shared/status.js';
import { type AccountRow, findAccount } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { type CustomerRow, customerNameAndAddress, findCustomer } from '../customers/index.js';
import { writeEvents } from '../events/index.js';
import { historyPage, writeHistory } from '../history/index.js';
import { checkCallbackUrl, newKeyPair, UrlRefused } from '../webhooks/index.js';
import { type CardRow, type CardStatus, cardMachine } from './cards.machine.js';
import { newCvv, newPan } from './cards.pan.js';
import { cardsRepository as repo, type WebhookRow } from './cards.repository.js';
import { SpendingControlsInput } from './cards.schemas.js';

type Json = Record<string, unknown>;
type Tx = WriteContext['tx'];

/** What the vault gives cards: envelopes for the PAN, CVV and webhook key, keyed hashes for lookups. */
export interface CardVault extends SecretBox {
  lookupHash(value: string, domain: string): string;
}

export interface ControlsInput {
  per_authorization_limit?: number | string | undefined;
  daily_limit?: number | string | undefined;
  monthly_limit?: number | string | undefined;
  allowed_mccs?: string[] | undefined;
  blocked_mccs?: string[] | undefined;
  allowed_countries?: string[] | undefined;
}

export interface CreateCardInput {
  customer_id: string;
  account_id: string;
  card_type: 'VIRTUAL' | 'PHYSICAL';
  cardholder_name?: string | undefined;
  spending_controls?: ControlsInput | undefined;
  shipping_address?: Json | undefined;
}

const LIMITS = ['per_authorization_limit', 'daily_limit', 'monthly_limit'] as const;
const LISTS = ['allowed_mccs', 'blocked_mccs', 'allowed_countries'] as const;
/** A card is valid for this many years (to the end of its expiry month). */
const VALID_YEARS = 3;

export const panContext = (clientId: string, cardId: string) => `cards.pan:${clientId}:${cardId}`;
export const cvvContext = (clientId: string, cardId: string) => `cards.cvv:${clientId}:${cardId}`;
export const webhookKeyContext = (clientId: string) => `cards.authorization_webhook:${clientId}`;
export const PAN_HASH_DOMAIN = 'cards.pan';

const decimalsOf = (assetTypeId: string) => assetOf(assetTypeId)?.decimals ?? 0;

/** Stored controls (minor units) as the API shows them (exact decimals in the account's asset). */
export function controlsView(c: StoredControls, decimals: number) {
  const out: Record<string, unknown> = {};
  for (const k of LIMITS) if (c[k] !== undefined) out[k] = JsonDecimal.fromMinor(BigInt(c[k] as string), decimals);
  for (const k of LISTS) if (c[k] !== undefined) out[k] = [...(c[k] as string[])];
  return out;
}

/** Controls as decimal text (history and PATCH compare them in this form). */
function controlsText(c: StoredControls, decimals: number): Json {
  const out: Json = {};
  for (const k of LIMITS) if (c[k] !== undefined) out[k] = toDecimalString(BigInt(c[k] as string), decimals);
  for (const k of LISTS) if (c[k] !== undefined) out[k] = [...(c[k] as string[])];
  return out;
}

/** Input controls to stored ones: amounts exact in the asset (AMOUNT_PRECISION names the field). */
export function parseControls(input: ControlsInput | undefined, decimals: number, prefix = 'spending_controls'): StoredControls {
  const out: StoredControls = {};
  if (!input) return out;
  for (const k of LIMITS) {
    const v = input[k];
    if (v !== undefined && v !== null) out[k] = toMinor(v, decimals, `${prefix}.${k}`).toString();
  }
  for (const k of LISTS) {
    const v = input[k];
    if (v !== undefined && v !== null) out[k] = [...new Set(v.map((s) => s.toUpperCase()))];
  }
  return out;
}

/** The last instant a card with this expiry is valid: the end of its expiry month (UTC). */
export const cardValidUntil = (c: { expMonth: number; expYear: number }) => new Date(Date.UTC(c.expYear, c.expMonth, 1) - 1);

/**
 * Cards (issue 13): virtual and physical debit cards on a customer's fiat account. The PAN and
 * CVV exist in clear only when issued and in the answer of `/sensitive`; at rest they are vault
 * envelopes, found again by the PAN's keyed hash. Statuses follow cardMachine.
 */
export class CardsService {
  private readonly patch: PatchEngine;

  constructor(
    ajv: Ajv,
    private readonly box: CardVault,
    private readonly mode: Mode,
  ) {
    this.patch = new PatchEngine(ajv, {
      schema: Type.Object(
        {
          cardholder_name: Type.String({ minLength: 1, maxLength: 100 }),
          spending_controls: Type.Optional(SpendingControlsInput),
        },
        { additionalProperties: false },
      ),
      hasStatus: true,
      ignored: ['created_at', 'updated_at'],
    });
  }

  view(c: CardRow) {
    return {
      id: c.id,
      customer_id: c.customerId,
      account_id: c.accountId,
      card_type: c.cardType,
      status: c.status,
      network: c.network as 'VISA',
      last4: c.last4,
      exp_month: c.expMonth,
      exp_year: c.expYear,
      cardholder_name: c.cardholderName,
      spending_controls: controlsView(c.spendingControls, decimalsOf(c.assetTypeId)),
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }

  async mustFind(ctx: Context, id: string): Promise<CardRow> {
    const card = await repo.find(ctx.db, ctx.tenantId, id);
    if (!card) throw notFound('Card', 'id');
    return card;
  }

  async mustLock(ctx: WriteContext, id: string): Promise<CardRow> {
    const card = await repo.lock(ctx.tx, ctx.tenantId, id);
    if (!card) throw notFound('Card', 'id');
    return card;
  }

  /** The customer and account a card is issued on, checked as the contract orders the refusals. */
  private async holderOf(
    ctx: WriteContext,
    customerId: string,
    accountId: string,
  ): Promise<{ account: AccountRow; customer: CustomerRow }> {
    const customer = await findCustomer(ctx.tx, ctx.tenantId, customerId);
    if (!customer) throw notFound('Customer', 'customer_id');
    const account = await findAccount(ctx.tx, ctx.tenantId, accountId);
    if (!account) throw notFound('Account', 'account_id');
    if (account.customerId !== customer.id) {
      throw new AppError('VALIDATION_ERROR', `The account ${account.id} is not an account of the customer ${customer.id}.`, 'account_id');
    }
    if (assetOf(account.assetTypeId)?.kind !== 'FIAT') {
      throw new AppError('ASSET_MISMATCH', `Cards are issued on fiat accounts; ${account.id} holds ${account.assetTypeId}.`, 'account_id');
    }
    if (!canTransact(customer.status as Status)) {
      throw new AppError('NOT_TRANSACTABLE', `The customer ${customer.id} is ${customer.status} and cannot transact.`, 'customer_id');
    }
    if (!canTransact(account.status as Status)) {
      throw new AppError('NOT_TRANSACTABLE', `The account ${account.id} cannot transact in its current status.`, 'account_id');
    }
    return { account, customer };
  }

  /** A new card row: a fresh PAN (unique by its keyed hash) and CVV, encrypted, bound to the card's id. */
  private async issue(
    ctx: WriteContext,
    base: {
      customerId: string;
      accountId: string;
      assetTypeId: string;
      cardType: 'VIRTUAL' | 'PHYSICAL';
      cardholderName: string;
      spendingControls: StoredControls;
      shippingAddress: Json | null;
      replacesCardId?: string | null;
    },
  ): Promise<CardRow> {
    const id = newId('card');
    let pan = newPan();
    let panHash = this.box.lookupHash(pan, PAN_HASH_DOMAIN);
    for (let tries = 0; await repo.panTaken(ctx.tx, panHash); tries++) {
      if (tries > 20) throw new Error('could not find an unused card number');
      pan = newPan();
      panHash = this.box.lookupHash(pan, PAN_HASH_DOMAIN);
    }
    const card = await repo.insert(ctx.tx, {
      clientId: ctx.tenantId,
      id,
      ...base,
      replacesCardId: base.replacesCardId ?? null,
      status: base.cardType === 'VIRTUAL' ? 'ACTIVE' : 'INACTIVE',
      network: 'VISA',
      last4: pan.slice(-4),
      expMonth: ctx.now.getUTCMonth() + 1,
      expYear: ctx.now.getUTCFullYear() + VALID_YEARS,
      panEncrypted: this.box.encrypt(pan, panContext(ctx.tenantId, id)),
      cvvEncrypted: this.box.encrypt(newCvv(), cvvContext(ctx.tenantId, id)),
      panHash,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    await writeEvents(ctx.tx, [this.event(ctx.tenantId, 'CARD_CREATED', card, ctx.now)]);
    return card;
  }

  private event(clientId: string, eventType: string, card: CardRow, at: Date, data: Json = {}) {
    return {
      clientId,
      eventType,
      resourceType: 'card',
      resourceId: card.id,
      eventData: { card: { id: card.id, status: card.status, ...data } },
      at,
    };
  }

  async create(ctx: WriteContext, input: CreateCardInput) {
    const { account, customer } = await this.holderOf(ctx, input.customer_id, input.account_id);
    if (input.card_type === 'PHYSICAL' && !input.shipping_address) {
      throw new AppError('VALIDATION_ERROR', 'A PHYSICAL card needs a shipping_address.', 'shipping_address');
    }
    if (input.card_type === 'VIRTUAL' && input.shipping_address) {
      throw new AppError('VALIDATION_ERROR', 'A VIRTUAL card is not shipped: send no shipping_address.', 'shipping_address');
    }
    const card = await this.issue(ctx, {
      customerId: customer.id,
      accountId: account.id,
      assetTypeId: account.assetTypeId,
      cardType: input.card_type,
      cardholderName: input.cardholder_name ?? customerNameAndAddress(customer).name,
      spendingControls: parseControls(input.spending_controls, decimalsOf(account.assetTypeId)),
      shippingAddress: input.shipping_address ?? null,
    });
    return this.view(card);
  }

  async get(ctx: Context, id: string) {
    return this.view(await this.mustFind(ctx, id));
  }

  async list(ctx: Context, q: RawPageQuery & { customer_id?: string; account_id?: string; status?: CardStatus }, basePath: string) {
    const page = parsePageQuery(q);
    const filters = { customer_id: q.customer_id, account_id: q.account_id, status: q.status };
    const { rows, total } = await repo.list(ctx.db, ctx.tenantId, filters, page);
    const result = buildPage(page, rows, total, basePath, filters);
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }

  async history(ctx: Context, id: string, query: RawPageQuery, basePath: string) {
    await this.mustFind(ctx, id);
    return historyPage(ctx.db as never, ctx.tenantId, 'card', id, query, basePath);
  }

  /** Moves a locked card to `to` (checked by the machine): history and CARD_STATUS_CHANGED. */
  private async move(
    tx: Tx,
    auth: AuthContext,
    card: CardRow,
    to: CardStatus,
    meta: { at: Date; reason?: string | undefined; updatedBy?: string | undefined },
  ): Promise<CardRow> {
    cardMachine.assertMove(card, to, meta.at);
    const moved = await repo.update(tx, card, { status: to, updatedAt: meta.at });
    await writeHistory(tx, 'card', card.id, [{ field: 'status', before: card.status, after: to }], { auth, ...meta });
    await writeEvents(tx, [this.event(auth.tenantId, 'CARD_STATUS_CHANGED', moved, meta.at)]);
    return moved;
  }

  /** PATCH (both forms): cardholder_name, spending_controls, status (the machine's moves but activation, LOST and STOLEN). */
  async update(ctx: WriteContext, id: string, body: PatchBody) {
    const card = await this.mustLock(ctx, id);
    const decimals = decimalsOf(card.assetTypeId);
    const current: Json = { cardholder_name: card.cardholderName, spending_controls: controlsText(card.spendingControls, decimals) };
    const fixed = {
      id: card.id,
      customer_id: card.customerId,
      account_id: card.accountId,
      card_type: card.cardType,
      network: card.network,
      last4: card.last4,
      exp_month: card.expMonth,
      exp_year: card.expYear,
    };
    const patch = this.patch.prepare(current, body, fixed);
    const controls = parseControls(patch.details.spending_controls as ControlsInput | undefined, decimals);
    const after: Json = { cardholder_name: patch.details.cardholder_name, spending_controls: controlsText(controls, decimals) };
    const changes = diffFields(current, after);
    const to = patch.status as CardStatus | undefined;
    if (to !== undefined && !(cardMachine.spec.moves as Record<string, unknown>)[to]) {
      throw new AppError('VALIDATION_ERROR', `Unknown card status ${to}.`, 'status');
    }
    if (changes.length && cardMachine.isTerminal(card.status)) {
      throw new AppError('NOT_UPDATABLE', `The card is ${card.status}: it can no longer change.`, 'id');
    }
    if ((to === 'LOST' || to === 'STOLEN') && to !== card.status) {
      // CONTRACT §13's moves: INACTIVE->ACTIVE, ACTIVE<->LOCKED, any non-terminal -> CLOSED; LOST and STOLEN are replacements'.
      throw new AppError(
        'INVALID_STATUS_TRANSITION',
        `A card becomes ${to} by replacement (POST /v1/cards/{id}/replace with reason ${to}), which issues its new number.`,
        'status',
      );
    }
    if (to === 'ACTIVE' && card.status === 'INACTIVE') {
      throw new AppError(
        'INVALID_STATUS_TRANSITION',
        'An INACTIVE card becomes ACTIVE by activation (POST /v1/cards/{id}/activate with its last4), once its holder has it.',
        'status',
      );
    }
    let row = card;
    const meta = { auth: ctx, at: ctx.now, reason: patch.reason, updatedBy: patch.updatedBy };
    if (changes.length) {
      row = await repo.update(ctx.tx, row, {
        cardholderName: after.cardholder_name as string,
        spendingControls: controls,
        updatedAt: ctx.now,
      });
      await writeHistory(ctx.tx, 'card', card.id, changes, meta);
    }
    if (to !== undefined && to !== card.status) row = await this.move(ctx.tx, ctx, row, to, meta);
    return this.view(row);
  }

  async activate(ctx: WriteContext, id: string, last4: string) {
    const card = await this.mustLock(ctx, id);
    if (card.cardType !== 'PHYSICAL' || card.status !== 'INACTIVE') {
      throw new AppError(
        'INVALID_STATUS_TRANSITION',
        `Only an INACTIVE PHYSICAL card is activated; this one is ${card.cardType} and ${card.status}.`,
      );
    }
    if (last4 !== card.last4) throw new AppError('VALIDATION_ERROR', 'last4 does not match the card.', 'last4');
    return this.view(await this.move(ctx.tx, ctx, card, 'ACTIVE', { at: ctx.now, reason: 'activated' }));
  }

  /** A new card on the same account, holder and controls; the old one ends LOST, STOLEN or CLOSED. */
  async replace(ctx: WriteContext, id: string, reason: 'LOST' | 'STOLEN' | 'DAMAGED' | 'EXPIRED') {
    const card = await this.mustLock(ctx, id);
    const to: CardStatus = reason === 'LOST' || reason === 'STOLEN' ? reason : 'CLOSED';
    cardMachine.assertMove(card, to, ctx.now, 'replaced');
    await this.holderOf(ctx, card.customerId, card.accountId);
    await this.move(ctx.tx, ctx, card, to, { at: ctx.now, reason: `replaced (${reason})` });
    const replacement = await this.issue(ctx, {
      customerId: card.customerId,
      accountId: card.accountId,
      assetTypeId: card.assetTypeId,
      cardType: card.cardType,
      cardholderName: card.cardholderName,
      spendingControls: card.spendingControls,
      shippingAddress: card.shippingAddress ?? null,
      replacesCardId: card.id,
    });
    return this.view(replacement);
  }

  /** The full PAN and CVV (scope cards:sensitive); every read is evented (CARD_SENSITIVE_VIEWED). */
  async sensitive(ctx: Context, id: string) {
    const card = await this.mustFind(ctx, id);
    const pan = this.box.decrypt(card.panEncrypted, panContext(card.clientId, card.id));
    const cvv = this.box.decrypt(card.cvvEncrypted, cvvContext(card.clientId, card.id));
    // A read-only request: the event is written on its own (before the numbers are answered).
    await writeEvents(ctx.db as Tx, [
      this.event(ctx.tenantId, 'CARD_SENSITIVE_VIEWED', card, ctx.now, { viewed_by: ctx.caller.id, request_id: ctx.requestId ?? null }),
    ]);
    return { id: card.id, pan, cvv, exp_month: card.expMonth, exp_year: card.expYear };
  }

  /** Closing accounts closes their cards (same transaction, same actor): the accounts module's hook. */
  async closeForAccounts(tx: Tx, auth: AuthContext, accountIds: string[], at: Date, reason: string): Promise<void> {
    for (const card of await repo.lockOpenOfAccounts(tx, auth.tenantId, accountIds)) {
      await this.move(tx, auth, card, 'CLOSED', { at, reason });
    }
  }

  // ---- the authorization webhook -------------------------------------------------------------

  webhookView(w: WebhookRow) {
    return { url: w.url, timeout_decision: w.timeoutDecision, signature_verification_key: w.publicKey };
  }

  async putWebhook(ctx: WriteContext, input: { url: string; timeout_decision?: 'APPROVE' | 'DECLINE' | undefined }) {
    try {
      await checkCallbackUrl(input.url, this.mode);
    } catch (err) {
      if (err instanceof UrlRefused) throw new AppError('VALIDATION_ERROR', err.message.replaceAll('callback_url', 'url'), 'url');
      throw err;
    }
    const existing = await repo.webhook(ctx.tx, ctx.tenantId);
    const keys = existing ? undefined : newKeyPair();
    const row = await repo.putWebhook(ctx.tx, {
      clientId: ctx.tenantId,
      url: input.url,
      timeoutDecision: input.timeout_decision ?? 'DECLINE',
      publicKey: existing?.publicKey ?? (keys?.publicKeyHex as string),
      privateKey: existing?.privateKey ?? this.box.encrypt(keys?.privateKeyPem as string, webhookKeyContext(ctx.tenantId)),
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    return this.webhookView(row);
  }

  async deleteWebhook(ctx: WriteContext) {
    const row = await repo.deleteWebhook(ctx.tx, ctx.tenantId);
    if (!row) throw notFound('Card authorization webhook', 'url');
    return this.webhookView(row);
  }
}
