/**
 * Account linking for FIAT_US_LINKED counterparties (LAYER2_API.md §2.7, provider MX), simulated in
 * sandbox: link/details answers a widget URL, link/accounts the (fake, deterministic) accounts of
 * the member the widget connected, link/connect attaches one of them to the counterparty, which
 * can then be used for ACH pulls. Production has no provider configured and refuses.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import type { SecretBox } from '../../platform/vault/index.js';
import { mayReveal } from '../../platform/vault/personal-data.js';
import { maskAccountNumber } from '../../shared/bank-codes.js';
import type { WriteContext } from '../../shared/context.js';
import { AppError, notFound } from '../../shared/errors.js';
import { diffFields } from '../../shared/patch.js';
import { assertUpdatable, type Status } from '../../shared/status.js';
import { writeHistory } from '../history/index.js';
import { type CounterpartyRow, sealedCounterpartiesRepository } from './counterparties.repository.js';
import { view, visibleDetails } from './counterparties.view.js';

/** Where the sandbox "widget" lives: a reserved, never-resolving domain (RFC 2606). */
export const SANDBOX_WIDGET_BASE = 'https://mx-widget.sandbox.ledgerline.invalid/connect';
/** The routing number of every sandbox-linked account (JPMorgan Chase, a valid ABA number). */
export const SANDBOX_ROUTING_NUMBER = '021000021';

interface LinkedAccount {
  account_link_id: string;
  account_name: string;
  account_number: string;
  routing_number: string;
  type: 'CHECKING' | 'SAVING';
}
interface LinkState {
  member_guid: string;
  accounts: LinkedAccount[];
}

const NAMES: [string, LinkedAccount['type']][] = [
  ['Sandbox Checking', 'CHECKING'],
  ['Sandbox Savings', 'SAVING'],
  ['Sandbox Money Market', 'SAVING'],
];

/** 2 or 3 accounts, the same every time for one member. */
export function sandboxAccounts(memberGuid: string): LinkedAccount[] {
  const h = createHash('sha256').update(memberGuid).digest();
  const count = 2 + ((h[0] as number) % 2);
  return NAMES.slice(0, count).map(([name, type], i) => ({
    account_link_id: `ACT-${h.subarray(1, 9).toString('hex')}-${i + 1}`,
    account_name: name,
    account_number: String(h.readUInt32BE(10 + 4 * i)).padStart(10, '0'),
    routing_number: SANDBOX_ROUTING_NUMBER,
    type,
  }));
}

export class CounterpartyLinking {
  private readonly repo: ReturnType<typeof sealedCounterpartiesRepository>;

  constructor(
    private readonly sandbox: boolean,
    /** The vault: tax reference numbers at rest (CONTRACT §17). */
    private readonly box: SecretBox,
  ) {
    this.repo = sealedCounterpartiesRepository(box);
  }

  /** The counterparty, locked, if linking applies to it in its status and for this caller. */
  private async linkable(tx: Tx, ctx: WriteContext, id: string): Promise<CounterpartyRow> {
    const row = await this.repo.lock(tx, ctx.tenantId, id);
    if (!row) throw notFound('Counterparty', 'id');
    if (row.counterpartyType !== 'FIAT_US_LINKED') {
      throw new AppError('VALIDATION_ERROR', 'Account linking applies to FIAT_US_LINKED counterparties only.', 'counterparty_type');
    }
    assertUpdatable(row.status as Status, ctx, 'counterparty');
    if (!this.sandbox) {
      throw new AppError(
        'VALIDATION_ERROR',
        'No account-linking provider is configured on this platform (production mode).',
        'linking_provider',
      );
    }
    return row;
  }

  async details(
    ctx: WriteContext,
    id: string,
    body: { is_mobile_webview?: boolean | undefined; ui_message_webview_url_scheme?: string | undefined },
  ) {
    const row = await this.linkable(ctx.tx, ctx, id);
    const url = new URL(`${SANDBOX_WIDGET_BASE}/${randomBytes(24).toString('base64url')}`);
    url.searchParams.set('mode', 'verification');
    url.searchParams.set('member_guid', `MBR-${randomBytes(16).toString('hex')}`);
    if (body.is_mobile_webview !== undefined) url.searchParams.set('is_mobile_webview', String(body.is_mobile_webview));
    if (body.ui_message_webview_url_scheme) url.searchParams.set('ui_message_webview_url_scheme', body.ui_message_webview_url_scheme);
    return { ...view(row, mayReveal(ctx.scopes)), mx_widget_url: url.toString() };
  }

  async accounts(ctx: WriteContext, id: string, body: { member_guid: string }) {
    const { row, accounts } = await (async (tx: Tx) => {
      const current = await this.linkable(tx, ctx, id);
      const state: LinkState = { member_guid: body.member_guid, accounts: sandboxAccounts(body.member_guid) };
      const updated = await this.repo.update(tx, ctx.tenantId, id, { link: state as unknown as Record<string, unknown> });
      return { row: updated ?? current, accounts: state.accounts };
    })(ctx.tx);
    return {
      ...view(row, mayReveal(ctx.scopes)),
      available_accounts: accounts.map((a) => ({
        account_link_id: a.account_link_id,
        account_name: a.account_name,
        account_number: maskAccountNumber(a.account_number),
      })),
    };
  }

  async connect(ctx: WriteContext, id: string, body: { account_link_id: string }) {
    const row = await (async (tx: Tx) => {
      const current = await this.linkable(tx, ctx, id);
      const state = current.link as unknown as LinkState | null;
      const chosen = state?.accounts.find((a) => a.account_link_id === body.account_link_id);
      if (!chosen) {
        throw new AppError(
          'VALIDATION_ERROR',
          'account_link_id is not one of the available_accounts: call link/accounts first and pick one.',
          'account_link_id',
        );
      }
      const info = current.details.account_information as Record<string, unknown>;
      const details = {
        ...current.details,
        account_information: {
          asset_type_id: info.asset_type_id,
          account_name: chosen.account_name,
          abbreviated_account_number: `x${chosen.account_number.slice(-4)}`,
          account_number: chosen.account_number,
          routing_number: chosen.routing_number,
          type: chosen.type,
        },
      };
      const at = ctx.now;
      const updated = await this.repo.update(tx, ctx.tenantId, id, { details, linked: true, updatedAt: at });
      const changes = diffFields(visibleDetails('FIAT_US_LINKED', current.details), visibleDetails('FIAT_US_LINKED', details));
      await writeHistory(tx, 'counterparty', id, changes, {
        auth: ctx,
        updatedBy: 'linking',
        box: this.box,
        reason: `linked through MX (${chosen.account_link_id})`,
        at,
      });
      return updated;
    })(ctx.tx);
    return view(row, mayReveal(ctx.scopes));
  }
}
