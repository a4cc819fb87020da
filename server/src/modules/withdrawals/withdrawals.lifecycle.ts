import type { Tx } from '../../db/client.js';
import type { DuePass } from '../../jobs/scheduler.js';
import type { WriteContext } from '../../shared/context.js';
import { newId } from '../../shared/ids.js';
import { findAccount } from '../accounts/index.js';
import { railReference } from '../deposits/index.js';
import { transactionEvent, writeEvents } from '../events/index.js';
import { type WithdrawalRow, withdrawalMachine } from './withdrawals.machine.js';
import { withdrawalsRepository as repo } from './withdrawals.repository.js';
import { RAIL_SETTLE_SECONDS } from './withdrawals.rules.js';
import type { WithdrawalsService } from './withdrawals.service.js';

/**
 * What happens to a withdrawal after accept, driven by time (the scheduler) or by the sandbox's
 * simulations: it is sent (IN_PROGRESS), settles (EXECUTED), fails (FAILED), or comes back
 * (RETURNED); unaccepted ones expire. Each step runs under the withdrawal's row lock and checks
 * its status first, so it happens once.
 */
export class WithdrawalLifecycle {
  constructor(private readonly w: WithdrawalsService) {}

  private async txnOf(tx: Tx, row: WithdrawalRow) {
    return row.holdId === null ? '' : this.w.holdTransactionId(tx, row.holdId);
  }

  async send(tx: Tx, row: WithdrawalRow, at: Date): Promise<WithdrawalRow> {
    withdrawalMachine.assertMove(row, 'IN_PROGRESS', at, 'sent');
    if (row.holdId === null) throw new Error(`withdrawal ${row.id} has no hold`);
    await this.w.ledger.holdPending(tx, row.holdId);
    await writeEvents(tx, [
      transactionEvent(
        row.clientId,
        'PENDING',
        { id: await this.txnOf(tx, row), accountId: row.sourceAccountId, categoryType: 'WITHDRAWAL', categoryId: row.id },
        at,
      ),
    ]);
    return this.w.update(tx, row, {
      status: 'IN_PROGRESS',
      railReference: railReference(row.withdrawalRail),
      settleAt: new Date(at.getTime() + (RAIL_SETTLE_SECONDS[row.withdrawalRail] ?? 600) * 1000),
      updatedAt: at,
    });
  }

  async settle(tx: Tx, row: WithdrawalRow, at: Date): Promise<WithdrawalRow> {
    let current = row;
    if (withdrawalMachine.can(current.status, 'IN_PROGRESS')) current = await this.send(tx, current, at);
    withdrawalMachine.assertMove(current, 'EXECUTED', at, 'settled');
    if (current.holdId === null) throw new Error(`withdrawal ${current.id} has no hold`);
    const account = await findAccount(tx, current.clientId, current.sourceAccountId);
    if (!account) throw new Error(`withdrawal ${current.id} lost its account`);
    const omnibus = await this.w.ledger.platformAccount(tx, `omnibus:${current.withdrawalRail}`, current.assetTypeId, at);
    const txnId = newId('transaction');
    await this.w.ledger.postHold(tx, current.holdId, current.amount, current.description, at, [
      {
        ledgerAccountId: account.ledgerAccountId,
        amount: -current.amount,
        transactionType: 'TRANSFER_OUT',
        accountRef: account.id,
        publicId: txnId,
        details: { rail: current.withdrawalRail, rail_reference: current.railReference },
      },
      { ledgerAccountId: omnibus, amount: current.amount, transactionType: 'TRANSFER_OUT' },
    ]);
    await writeEvents(tx, [
      transactionEvent(
        current.clientId,
        'POSTED',
        { id: txnId, accountId: account.id, categoryType: 'WITHDRAWAL', categoryId: current.id },
        at,
      ),
    ]);
    return this.w.update(tx, current, { status: 'EXECUTED', executedAt: at, updatedAt: at });
  }

  async fail(tx: Tx, row: WithdrawalRow, at: Date, reason: string): Promise<WithdrawalRow> {
    withdrawalMachine.assertMove(row, 'FAILED', at, 'failed by the rail');
    if (row.holdId === null) throw new Error(`withdrawal ${row.id} has no hold`);
    await this.w.ledger.voidHold(tx, row.holdId, 'VOIDED', at);
    await writeEvents(tx, [
      transactionEvent(
        row.clientId,
        'CANCELLED',
        { id: await this.txnOf(tx, row), accountId: row.sourceAccountId, categoryType: 'WITHDRAWAL', categoryId: row.id },
        at,
      ),
    ]);
    return this.w.update(tx, row, { status: 'FAILED', failureReason: reason, updatedAt: at });
  }

  /** The beneficiary bank sends the funds back: the debit is reversed. */
  async return(tx: Tx, row: WithdrawalRow, at: Date, reason: string): Promise<WithdrawalRow> {
    withdrawalMachine.assertMove(row, 'RETURNED', at, 'returned');
    const account = await findAccount(tx, row.clientId, row.sourceAccountId);
    if (!account) throw new Error(`withdrawal ${row.id} lost its account`);
    const omnibus = await this.w.ledger.platformAccount(tx, `omnibus:${row.withdrawalRail}`, row.assetTypeId, at);
    const txnId = newId('transaction');
    const type = row.withdrawalRail === 'CRYPTO' ? 'TRANSFER_IN' : 'FIAT_TRANSFER_OUT_RETURN';
    await this.w.ledger.post(tx, {
      clientId: row.clientId,
      categoryType: 'WITHDRAWAL',
      categoryId: row.id,
      description: reason,
      at,
      lines: [
        { ledgerAccountId: omnibus, amount: -row.amount, transactionType: type },
        { ledgerAccountId: account.ledgerAccountId, amount: row.amount, transactionType: type, accountRef: account.id, publicId: txnId },
      ],
    });
    await writeEvents(tx, [
      transactionEvent(row.clientId, 'POSTED', { id: txnId, accountId: account.id, categoryType: 'WITHDRAWAL', categoryId: row.id }, at),
    ]);
    return this.w.update(tx, row, { status: 'RETURNED', returnedAt: at, failureReason: reason, updatedAt: at });
  }

  /** Sandbox simulations: settle, fail or return one withdrawal now. */
  async simulate(ctx: WriteContext, id: string, action: 'settle' | 'fail' | 'return', reason?: string) {
    const { tx, now: at } = ctx;
    const w = await this.w.lock(tx, ctx.tenantId, id);
    const row =
      action === 'settle'
        ? await this.settle(tx, w, at)
        : action === 'fail'
          ? await this.fail(tx, w, at, reason ?? 'rejected by the beneficiary bank')
          : await this.return(tx, w, at, reason ?? 'returned by the beneficiary bank');
    return this.w.view(row, at);
  }

  /**
   * One due step at a time, each in its own unit, claimed with SKIP LOCKED. A step happens
   * at its due instant (not at `now`): after a clock jump, what would have happened within the
   * jump happens, in order, with its own timestamps.
   */
  private async drain(
    kind: 'expire' | 'send' | 'settle',
    dueOf: (row: WithdrawalRow) => Date | null,
    step: (tx: Tx, row: WithdrawalRow, at: Date) => Promise<unknown>,
    pass: DuePass,
  ): Promise<number> {
    const { now, clientId } = pass;
    let done = 0;
    for (let i = 0; i < 10_000; i++) {
      const found = await pass.unit(async (tx) => {
        const row = await repo.claimDue(tx, kind, now, clientId);
        if (!row) return false;
        const due = dueOf(row);
        await step(tx, row, due && due < now ? due : now);
        return true;
      });
      if (!found) break;
      done++;
    }
    return done;
  }

  async processDue(pass: DuePass): Promise<number> {
    const expired = await this.drain(
      'expire',
      (row) => row.validUntil,
      (tx, row, at) => this.expire(tx, row, at),
      pass,
    );
    const sent = await this.drain(
      'send',
      (row) => row.sendAt,
      (tx, row, at) => this.send(tx, row, at),
      pass,
    );
    const settled = await this.drain(
      'settle',
      (row) => row.settleAt,
      (tx, row, at) => this.settle(tx, row, at),
      pass,
    );
    return expired + sent + settled;
  }

  /** Unaccepted past valid_until: EXPIRED (the machine's expiry), at its deadline. */
  private expire(tx: Tx, row: WithdrawalRow, at: Date): Promise<WithdrawalRow> {
    const expiry = withdrawalMachine.spec.expiry;
    if (!expiry) throw new Error('withdrawals expire');
    return repo.update(tx, row, { status: expiry.to, updatedAt: at });
  }
}
