import { sql } from 'drizzle-orm';
import type { Mode } from '../../config/index.js';
import type { Merchant } from '../../db/schema-cards.js';
import type { Context, WriteContext } from '../../shared/context.js';
import { JsonDecimal, stringify } from '../../shared/decimal-json.js';
import { AppError, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { toMinor } from '../../shared/money.js';
import { buildPage, parsePageQuery, type RawPageQuery } from '../../shared/pagination.js';
import { canTransact, type Status } from '../../shared/status.js';
import { type AccountRow, findAccount, wakeDormantAccounts } from '../accounts/index.js';
import { assetOf } from '../catalogue/index.js';
import { findCustomer, wakeDormantCustomers } from '../customers/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import { available, balancesOf, type ExpiredHold, type LedgerService } from '../ledger/index.js';
import { askForDecision, DECISION_TIMEOUT_MS } from './cards.decision.js';
import { type AuthorizationRow, authorizationMachine, type CardRow } from './cards.machine.js';
import { cardsRepository as repo } from './cards.repository.js';
import type { DeclineReason } from './cards.schemas.js';
import { type CardVault, cardValidUntil, webhookKeyContext } from './cards.service.js';

type Tx = WriteContext['tx'];

/** How long an approved authorization holds funds before it expires (sandbox clock). */
export const AUTHORIZATION_TTL_MS = 7 * 86_400_000;
/**
 * A capture may be up to 120% (6/5) of what the authorization still holds — its amount (increments
 * included) less what was reversed — floored to the minor unit: "20% over the authorized amount"
 * (§13), where what a partial reversal released is no longer authorized.
 */
const OVER_CAPTURE = { num: 6n, den: 5n };
/** The platform account captured card purchases settle to (and refunds come from). */
export const CARD_SETTLEMENT = 'card_settlement';
const CATEGORY = 'CARD';
/** Why an increment is declined, in words (the reason itself leads the error's description). */
const DECLINED: Record<DeclineReason, string> = {
  CARD_NOT_ACTIVE: 'the card is not ACTIVE',
  CARD_EXPIRED: 'the card has expired',
  ACCOUNT_NOT_TRANSACTABLE: 'the account or its customer may not transact',
  MCC_NOT_ALLOWED: "the merchant's MCC is not allowed by the card's controls",
  COUNTRY_NOT_ALLOWED: "the merchant's country is not allowed by the card's controls",
  PER_AUTHORIZATION_LIMIT: 'the authorization would exceed the per-authorization limit',
  DAILY_LIMIT: "the authorization's day would exceed the daily limit",
  MONTHLY_LIMIT: "the authorization's month would exceed the monthly limit",
  INSUFFICIENT_FUNDS: 'the available balance does not cover it',
  DECLINED_BY_CLIENT: 'the client declined it',
};

export interface AuthorizeInput {
  amount: number | string;
  merchant: Merchant;
}

/** What the pre-phase (outside any transaction) learnt: the authorization's id and the client's word. */
export interface Prepared {
  id: string;
  /** The client's webhook was asked, and this is its decision (or the timeout decision). */
  decision?: boolean | undefined;
  /** A platform check declined before asking (the unit re-checks under lock). */
  reason?: DeclineReason | undefined;
}

/** What the checks weigh: the authorization's amount (per-authorization limit) and what it adds to the windows. */
interface Weighed {
  total: bigint;
  added: bigint;
}

/**
 * Card authorizations on the ledger's holds. An approved authorization is a hold from the account
 * to the card settlement account (available falls, current does not); increments and partial
 * reversals resize it, a capture posts it (CARD_PURCHASE lines; less releases the rest, up to 20%
 * more is taken if funds allow), a full reversal or the 7-day expiry releases it. Every decision
 * runs under the card's row lock (daily and monthly windows) and the ledger's account locks
 * (funds), so concurrent authorizations never overspend. A decline is recorded and moves nothing.
 */
export class CardAuthorizations {
  constructor(
    private readonly ledger: LedgerService,
    private readonly box: CardVault,
    private readonly mode: Mode,
    /** Real time, for the x-timestamp of decision requests (receivers compare it with their clock). */
    private readonly realNow: () => Date,
    private readonly decisionTimeoutMs = DECISION_TIMEOUT_MS,
  ) {
    ledger.onHoldExpired(CATEGORY, (tx, hold) => this.followExpiry(tx, hold));
  }

  view(a: AuthorizationRow, now: Date) {
    const decimals = assetOf(a.assetTypeId)?.decimals ?? 0;
    const money = (v: bigint) => JsonDecimal.fromMinor(v, decimals) as unknown as number;
    const status = authorizationMachine.statusAt(a, now);
    return {
      id: a.id,
      card_id: a.cardId,
      account_id: a.accountId,
      status,
      amount: money(a.amount),
      captured_amount: money(a.capturedAmount),
      reversed_amount: money(a.reversedAmount),
      decline_reason: status === 'DECLINED' ? a.declineReason : null,
      closed_reason: status === 'CLOSED' ? (authorizationMachine.expired(a, now) ? 'EXPIRED' : a.closedReason) : null,
      merchant: a.merchant,
      created_at: a.createdAt.toISOString(),
      expires_at: a.expiresAt.toISOString(),
    };
  }

  /**
   * The platform's checks, in the contract's order, short of funds and the client's decision.
   * `usage`: what the card spent in the day and month windows the amount counts in (UTC, sandbox clock).
   */
  private check(
    card: CardRow,
    account: AccountRow | undefined,
    customerStatus: string | undefined,
    amount: Weighed,
    merchant: Merchant,
    now: Date,
    usage: { day: bigint; month: bigint },
  ): DeclineReason | undefined {
    const c = card.spendingControls;
    if (card.status !== 'ACTIVE') return 'CARD_NOT_ACTIVE';
    if (now > cardValidUntil(card)) return 'CARD_EXPIRED';
    if (!account || !canTransact(account.status as Status) || !customerStatus || !canTransact(customerStatus as Status)) {
      return 'ACCOUNT_NOT_TRANSACTABLE';
    }
    if ((c.allowed_mccs && !c.allowed_mccs.includes(merchant.mcc)) || c.blocked_mccs?.includes(merchant.mcc)) return 'MCC_NOT_ALLOWED';
    if (c.allowed_countries && !c.allowed_countries.includes(merchant.country.toUpperCase())) return 'COUNTRY_NOT_ALLOWED';
    if (c.per_authorization_limit !== undefined && amount.total > BigInt(c.per_authorization_limit)) return 'PER_AUTHORIZATION_LIMIT';
    if (c.daily_limit !== undefined && usage.day + amount.added > BigInt(c.daily_limit)) return 'DAILY_LIMIT';
    if (c.monthly_limit !== undefined && usage.month + amount.added > BigInt(c.monthly_limit)) return 'MONTHLY_LIMIT';
    return undefined;
  }

  /**
   * The card, its account and customer status, and the checks, as read through `db`. `windowsOf`:
   * the time whose UTC day and month the amount counts in (an increment: its authorization's).
   */
  private async evaluate(ctx: Context, card: CardRow, amount: Weighed, merchant: Merchant, windowsOf: Date = ctx.now) {
    const account = await findAccount(ctx.db, ctx.tenantId, card.accountId);
    const customer = account ? await findCustomer(ctx.db, ctx.tenantId, account.customerId) : undefined;
    const usage = await repo.usage(ctx.db, ctx.tenantId, card.id, windowsOf, ctx.now);
    return { account, customer, reason: this.check(card, account, customer?.status, amount, merchant, ctx.now, usage) };
  }

  private async availableOf(ctx: Context, account: AccountRow): Promise<bigint> {
    const b = (await balancesOf(ctx.db, [account.ledgerAccountId])).get(account.ledgerAccountId);
    return b ? available(b) : 0n;
  }

  /**
   * The pre-phase of an authorization (outside any transaction): when the platform's checks pass
   * and the client has an authorization webhook, ask it (at most 2 s). Its answer is advice: the
   * unit re-checks everything, funds included, under its locks.
   */
  async prepare(ctx: Context, cardId: string, input: AuthorizeInput): Promise<Prepared | undefined> {
    // Without a webhook there is nothing to ask: the unit decides alone.
    const hook = await repo.webhook(ctx.db, ctx.tenantId);
    if (!hook) return undefined;
    const card = await repo.find(ctx.db, ctx.tenantId, cardId);
    if (!card) return undefined;
    const id = newId('cardAuthorization');
    const amount = toMinor(input.amount, assetOf(card.assetTypeId)?.decimals ?? 0);
    const { account, reason } = await this.evaluate(ctx, card, { total: amount, added: amount }, input.merchant);
    if (reason) return { id, reason };
    if (account && (await this.availableOf(ctx, account)) < amount) return { id, reason: 'INSUFFICIENT_FUNDS' };
    const proposed = this.view(
      {
        clientId: ctx.tenantId,
        id,
        cardId: card.id,
        accountId: card.accountId,
        assetTypeId: card.assetTypeId,
        status: 'PENDING',
        amount,
        capturedAmount: 0n,
        reversedAmount: 0n,
        declineReason: null,
        closedReason: null,
        merchant: input.merchant,
        holdId: null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
        expiresAt: new Date(ctx.now.getTime() + AUTHORIZATION_TTL_MS),
        seq: 0n,
      },
      ctx.now,
    );
    const answer = await askForDecision({
      url: hook.url,
      body: stringify({ authorization: proposed }),
      timestamp: String(Math.floor(this.realNow().getTime() / 1000)),
      privateKeyPem: this.box.decrypt(hook.privateKey, webhookKeyContext(ctx.tenantId)),
      authorizationId: id,
      mode: this.mode,
      timeoutMs: this.decisionTimeoutMs,
    });
    return { id, decision: answer ?? hook.timeoutDecision === 'APPROVE' };
  }

  /** The decision, under the card's lock and the ledger's: approve (a hold) or decline (recorded). */
  async authorize(ctx: WriteContext, cardId: string, input: AuthorizeInput, prepared: Prepared | undefined) {
    const card = await repo.lock(ctx.tx, ctx.tenantId, cardId);
    if (!card) throw notFound('Card', 'id');
    const amount = toMinor(input.amount, assetOf(card.assetTypeId)?.decimals ?? 0);
    const id = prepared?.id ?? newId('cardAuthorization');
    const { account, customer, reason: checked } = await this.evaluate(ctx, card, { total: amount, added: amount }, input.merchant);
    let reason = checked;
    if (!reason && account && (await repo.webhook(ctx.tx, ctx.tenantId))) {
      // The client decides after the platform; one never asked (its checks failed then) is not approved now.
      if (prepared?.decision === undefined) reason = prepared?.reason ?? 'DECLINED_BY_CLIENT';
      else if (!prepared.decision) reason = (await this.availableOf(ctx, account)) < amount ? 'INSUFFICIENT_FUNDS' : 'DECLINED_BY_CLIENT';
    }
    const expiresAt = new Date(ctx.now.getTime() + AUTHORIZATION_TTL_MS);
    let holdId: bigint | null = null;
    if (!reason && account) {
      // Funds are checked by the ledger under the account's row lock; a refusal there is a decline.
      await ctx.tx.execute(sql.raw('SAVEPOINT card_authorization'));
      try {
        holdId = await this.ledger.authorize(ctx.tx, {
          clientId: ctx.tenantId,
          debit: { ledgerAccountId: account.ledgerAccountId, accountRef: account.id, transactionType: 'CARD_PURCHASE' },
          credit: {
            ledgerAccountId: await this.ledger.platformAccount(ctx.tx, CARD_SETTLEMENT, account.assetTypeId, ctx.now),
            transactionType: 'CARD_PURCHASE',
          },
          visible: { debit: true, credit: false },
          amount,
          categoryType: CATEGORY,
          categoryId: id,
          description: `Card authorization: ${input.merchant.name}`,
          expiresAt,
          at: ctx.now,
        });
        await ctx.tx.execute(sql.raw('RELEASE SAVEPOINT card_authorization'));
        await this.wake(ctx, account, customer);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'INSUFFICIENT_FUNDS') throw err;
        await ctx.tx.execute(sql.raw('ROLLBACK TO SAVEPOINT card_authorization'));
        reason = 'INSUFFICIENT_FUNDS';
      }
    }
    const row = await repo.insertAuthorization(ctx.tx, {
      clientId: ctx.tenantId,
      id,
      cardId: card.id,
      accountId: card.accountId,
      assetTypeId: card.assetTypeId,
      status: reason ? 'DECLINED' : 'PENDING',
      amount,
      capturedAmount: 0n,
      reversedAmount: 0n,
      declineReason: reason ?? null,
      closedReason: null,
      merchant: input.merchant,
      holdId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      expiresAt,
    });
    await writeEvents(ctx.tx, [this.event(ctx.tenantId, 'CARD_AUTHORIZATION_CREATED', row, ctx.now)]);
    return this.view(row, ctx.now);
  }

  private event(clientId: string, eventType: string, a: AuthorizationRow, at: Date) {
    return {
      clientId,
      eventType,
      resourceType: 'card_authorization',
      resourceId: a.id,
      eventData: { card_authorization: { id: a.id, status: a.status, card_id: a.cardId } },
      at,
    };
  }

  /**
   * Money moved on a DORMANT account (or customer): it wakes, as transfers wake theirs. `customer`:
   * the account's customer as this unit already read it (else read here); waking is conditional on
   * DORMANT in the row itself, so a status read earlier in the unit is as good as one read now.
   */
  private async wake(ctx: WriteContext, account: AccountRow, customer?: { id: string; status: string }): Promise<void> {
    if (account.status === 'DORMANT') await wakeDormantAccounts(ctx, [account.id]);
    const party = customer ?? (await findCustomer(ctx.tx, ctx.tenantId, account.customerId));
    if (party?.status === 'DORMANT') await wakeDormantCustomers(ctx, [party.id]);
  }

  /** A PENDING authorization, locked; EXPIRED once past its expiry, INVALID_STATUS_TRANSITION when closed. */
  private async lockOpen(ctx: WriteContext, id: string, action: string) {
    const a = await repo.lockAuthorization(ctx.tx, ctx.tenantId, id);
    if (!a) throw notFound('Card authorization', 'id');
    if (authorizationMachine.expired(a, ctx.now) || a.closedReason === 'EXPIRED') {
      throw new AppError('EXPIRED', `The authorization expired at ${a.expiresAt.toISOString()}; it can no longer be ${action}.`);
    }
    authorizationMachine.assertMove(a, 'CLOSED', ctx.now, action);
    if (a.holdId === null) throw new Error(`authorization ${a.id} is PENDING without a hold`);
    return { a, hold: a.holdId, open: a.amount - a.capturedAmount - a.reversedAmount };
  }

  private amountOf(a: AuthorizationRow, value: number | string): bigint {
    return toMinor(value, assetOf(a.assetTypeId)?.decimals ?? 0);
  }

  private async close(ctx: WriteContext, a: AuthorizationRow, patch: Partial<AuthorizationRow>) {
    const row = await repo.updateAuthorization(ctx.tx, a, { ...patch, status: 'CLOSED', updatedAt: ctx.now });
    await writeEvents(ctx.tx, [this.event(ctx.tenantId, 'CARD_AUTHORIZATION_CLOSED', row, ctx.now)]);
    return row;
  }

  /**
   * The merchant asks for more (a tip, a longer stay). Under the card's lock (taken first, as an
   * authorization takes it), the platform's checks run again in the contract's order: the card's
   * status and expiry, the account's and customer's, the controls against the original merchant,
   * the per-authorization limit against the grown amount, the day and month windows of the
   * authorization (those it counts in) plus what is added; then the funds, under the account's
   * lock, as the hold grows. A refusal is 400 CARD_DECLINED (its description begins with the
   * decline reason) or INSUFFICIENT_FUNDS; the authorization stays as it was.
   */
  async increment(ctx: WriteContext, id: string, value: number | string) {
    const found = await repo.findAuthorization(ctx.tx, ctx.tenantId, id);
    if (!found) throw notFound('Card authorization', 'id');
    const card = await repo.lock(ctx.tx, ctx.tenantId, found.cardId);
    if (!card) throw new Error(`card ${found.cardId} of authorization ${found.id} is missing`);
    const { a, hold, open } = await this.lockOpen(ctx, id, 'incremented');
    const more = this.amountOf(a, value);
    const { reason } = await this.evaluate(ctx, card, { total: a.amount + more, added: more }, a.merchant, a.createdAt);
    if (reason) {
      throw new AppError('CARD_DECLINED', `${reason}: the increment of authorization ${a.id} is declined (${DECLINED[reason]}).`);
    }
    await this.ledger.resizeHold(ctx.tx, hold, open + more);
    const row = await repo.updateAuthorization(ctx.tx, a, { amount: a.amount + more, updatedAt: ctx.now });
    return this.view(row, ctx.now);
  }

  /** Releases part or (by default) all of what remains; all of it closes the authorization. */
  async reverse(ctx: WriteContext, id: string, value: number | string | undefined) {
    const { a, hold, open } = await this.lockOpen(ctx, id, 'reversed');
    const amount = value === undefined ? open : this.amountOf(a, value);
    if (amount > open) throw new AppError('VALIDATION_ERROR', 'The reversal is more than the authorization still holds.', 'amount');
    if (amount === open) {
      await this.ledger.voidHold(ctx.tx, hold, 'VOIDED', ctx.now);
      return this.view(await this.close(ctx, a, { reversedAmount: a.reversedAmount + amount, closedReason: 'REVERSED' }), ctx.now);
    }
    await this.ledger.resizeHold(ctx.tx, hold, open - amount);
    return this.view(await repo.updateAuthorization(ctx.tx, a, { reversedAmount: a.reversedAmount + amount, updatedAt: ctx.now }), ctx.now);
  }

  /**
   * Posts the purchase: by default what remains; less releases the rest; more (tips) up to and
   * including 120% of what remains (amount less reversed_amount: a capture closes the
   * authorization, so nothing was captured before), if the funds allow. CARD_PURCHASE lines to the
   * settlement account.
   */
  async capture(ctx: WriteContext, id: string, value: number | string | undefined) {
    const { a, hold, open } = await this.lockOpen(ctx, id, 'captured');
    const amount = value === undefined ? open : this.amountOf(a, value);
    if (amount * OVER_CAPTURE.den > open * OVER_CAPTURE.num) {
      throw new AppError(
        'CAPTURE_EXCEEDS_AUTHORIZATION',
        `A capture may be at most 120% of what the authorization still holds (amount less reversed_amount: ${JsonDecimal.fromMinor((open * OVER_CAPTURE.num) / OVER_CAPTURE.den, assetOf(a.assetTypeId)?.decimals ?? 0).text}).`,
        'amount',
      );
    }
    if (amount > open) await this.ledger.resizeHold(ctx.tx, hold, amount);
    const account = await findAccount(ctx.tx, ctx.tenantId, a.accountId);
    if (!account) throw new Error(`account ${a.accountId} of authorization ${a.id} is missing`);
    const settlement = await this.ledger.platformAccount(ctx.tx, CARD_SETTLEMENT, a.assetTypeId, ctx.now);
    const txn = newId('transaction');
    const description = `Card purchase: ${a.merchant.name}`;
    await this.ledger.postHold(ctx.tx, hold, amount, description, ctx.now, [
      {
        ledgerAccountId: account.ledgerAccountId,
        amount: -amount,
        transactionType: 'CARD_PURCHASE',
        accountRef: account.id,
        publicId: txn,
      },
      { ledgerAccountId: settlement, amount, transactionType: 'CARD_PURCHASE' },
    ]);
    await this.wake(ctx, account);
    const row = await this.close(ctx, a, { capturedAmount: amount, closedReason: 'CAPTURED' });
    await writeEvents(ctx.tx, [
      transactionEvent(ctx.tenantId, 'POSTED', { id: txn, accountId: account.id, categoryType: CATEGORY, categoryId: a.id }, ctx.now),
    ]);
    return this.view(row, ctx.now);
  }

  /**
   * A merchant's refund: CARD_REFUND lines from the settlement account to the card's account. A
   * refund is a transaction on the account: the account and its customer must both be able to
   * transact (§5), else 400 NOT_TRANSACTABLE and nothing moves (the merchant keeps the money).
   */
  async refund(ctx: WriteContext, cardId: string, input: AuthorizeInput) {
    const card = await repo.find(ctx.tx, ctx.tenantId, cardId);
    if (!card) throw notFound('Card', 'id');
    const account = await findAccount(ctx.tx, ctx.tenantId, card.accountId);
    if (!account || !canTransact(account.status as Status)) {
      throw new AppError('NOT_TRANSACTABLE', `The account ${card.accountId} cannot receive the refund in its current status.`);
    }
    const customer = await findCustomer(ctx.tx, ctx.tenantId, account.customerId);
    if (!customer || !canTransact(customer.status as Status)) {
      throw new AppError('NOT_TRANSACTABLE', `The customer of account ${account.id} cannot receive the refund in its current status.`);
    }
    const amount = toMinor(input.amount, assetOf(card.assetTypeId)?.decimals ?? 0);
    const id = newId('cardRefund');
    const txn = newId('transaction');
    const settlement = await this.ledger.platformAccount(ctx.tx, CARD_SETTLEMENT, card.assetTypeId, ctx.now);
    const entryId = await this.ledger.post(ctx.tx, {
      clientId: ctx.tenantId,
      categoryType: CATEGORY,
      categoryId: id,
      description: `Card refund: ${input.merchant.name}`,
      at: ctx.now,
      lines: [
        { ledgerAccountId: settlement, amount: -amount, transactionType: 'CARD_REFUND' },
        { ledgerAccountId: account.ledgerAccountId, amount, transactionType: 'CARD_REFUND', accountRef: account.id, publicId: txn },
      ],
    });
    await this.wake(ctx, account, customer);
    await repo.insertRefund(ctx.tx, {
      clientId: ctx.tenantId,
      id,
      cardId: card.id,
      accountId: account.id,
      amount,
      merchant: input.merchant,
      entryId,
      createdAt: ctx.now,
    });
    await writeEvents(ctx.tx, [
      transactionEvent(ctx.tenantId, 'POSTED', { id: txn, accountId: account.id, categoryType: CATEGORY, categoryId: id }, ctx.now),
    ]);
    const decimals = assetOf(card.assetTypeId)?.decimals ?? 0;
    return {
      id,
      card_id: card.id,
      account_id: account.id,
      amount: JsonDecimal.fromMinor(amount, decimals) as unknown as number,
      merchant: input.merchant,
      transaction_id: txn,
      created_at: ctx.now.toISOString(),
    };
  }

  /** The holds sweeper released an authorization's hold at its expiry: it is CLOSED (EXPIRED). */
  private async followExpiry(tx: Tx, hold: ExpiredHold): Promise<void> {
    if (!hold.clientId) return;
    const a = await repo.lockAuthorization(tx, hold.clientId, hold.categoryId);
    if (a?.status !== 'PENDING') return;
    const row = await repo.updateAuthorization(tx, a as AuthorizationRow, {
      status: 'CLOSED',
      closedReason: 'EXPIRED',
      updatedAt: hold.expiredAt,
    });
    await writeEvents(tx, [this.event(hold.clientId, 'CARD_AUTHORIZATION_CLOSED', row, hold.expiredAt)]);
  }

  async get(ctx: Context, id: string) {
    const a = await repo.findAuthorization(ctx.db, ctx.tenantId, id);
    if (!a) throw notFound('Card authorization', 'id');
    return this.view(a, ctx.now);
  }

  async list(ctx: Context, cardId: string, q: RawPageQuery, basePath: string) {
    if (!(await repo.find(ctx.db, ctx.tenantId, cardId))) throw notFound('Card', 'id');
    const page = parsePageQuery(q);
    const { rows, total } = await repo.listAuthorizations(ctx.db, ctx.tenantId, cardId, page);
    const result = buildPage(page, rows, total, basePath, {});
    return { ...result, items: result.items.map((r) => this.view(r, ctx.now)) };
  }
}
