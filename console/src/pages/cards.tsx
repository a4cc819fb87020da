import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, Filter, Link, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

const STATUSES = ['INACTIVE', 'ACTIVE', 'LOCKED', 'CLOSED', 'LOST', 'STOLEN'];
/** CONTRACT §13: LOST, STOLEN and CLOSED are terminal; any other status may still be closed. */
const CLOSABLE = ['INACTIVE', 'ACTIVE', 'LOCKED'];

/** "VISA •••• 4242": the only part of the number any view holds (the full PAN and the CVV are never fetched). */
export const cardName = (c: { network?: string; last4?: string }) => `${c.network ?? 'Card'} •••• ${c.last4 ?? '????'}`;
const expiry = (c: { exp_month: number; exp_year: number }) => `${String(c.exp_month).padStart(2, '0')}/${c.exp_year}`;

/** The asset of an account (authorizations and spending controls are in it), once known. */
export function useAccountAsset(accountId: string | undefined): string | undefined {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['account', api.actingFor ?? '', accountId],
    queryFn: () => api.accounts.deposits.retrieve(accountId!),
    enabled: Boolean(accountId),
  });
  return q.data?.asset_type_id;
}

export default function Cards({ id }: { id?: string }) {
  return id ? <CardDetail key={id} id={id} /> : <CardList />;
}

function CardList() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState('');
  const [account, setAccount] = useState('');
  return (
    <>
      <Title>Cards</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter cards">
        <Filter label="Status" value={status} options={STATUSES} onChange={setStatus} />{' '}
        <TextField label="Customer ID" value={customer} onChange={setCustomer} />{' '}
        <TextField label="Account ID" value={account} onChange={setAccount} />
      </form>
      <PagedTable
        caption="Cards"
        queryKey={['cards', api.actingFor ?? '', status, customer.trim(), account.trim()]}
        fetchPage={(cursor) => api.cards.list({ status, customer_id: customer.trim(), account_id: account.trim(), cursor })}
        rowKey={(c: any) => c.id}
        empty="No cards match."
        columns={[
          {
            header: 'Card',
            cell: (c: any) => (
              <Link to={`/cards/${encodeURIComponent(c.id)}`} aria-label={`Card ending ${c.last4}, ${c.cardholder_name ?? ''}`}>
                {cardName(c)}
              </Link>
            ),
          },
          { header: 'Holder', cell: (c: any) => c.cardholder_name ?? '—' },
          { header: 'Type', cell: (c: any) => c.card_type },
          { header: 'Status', cell: (c: any) => <Status value={c.status} /> },
          { header: 'Expires', cell: (c: any) => expiry(c) },
          { header: 'Customer', cell: (c: any) => <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.customer_id}</Link> },
          { header: 'Account', cell: (c: any) => <Link to={`/accounts/${encodeURIComponent(c.account_id)}`}>{c.account_id}</Link> },
        ]}
      />
    </>
  );
}

/** spending_controls in words, amounts in the account's asset. */
function SpendingControls({ controls, asset }: { controls: Record<string, any> | null | undefined; asset: string | undefined }) {
  const c = controls ?? {};
  const money = (v: unknown) => (asset ? <Amount value={v as string} asset={asset} /> : String(v));
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.join(', ') : null);
  const rows: [string, unknown][] = [
    ['Per authorization', c.per_authorization_limit != null ? money(c.per_authorization_limit) : null],
    ['Daily (UTC day)', c.daily_limit != null ? money(c.daily_limit) : null],
    ['Monthly (UTC month)', c.monthly_limit != null ? money(c.monthly_limit) : null],
    ['Allowed MCCs', list(c.allowed_mccs)],
    ['Blocked MCCs', list(c.blocked_mccs)],
    ['Allowed countries', list(c.allowed_countries)],
  ].filter(([, v]) => v !== null) as [string, unknown][];
  if (!rows.length) return <span>None: no limits beyond the account's funds.</span>;
  return (
    <dl className="facts nested" data-testid="spending-controls">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value as any}</dd>
        </div>
      ))}
    </dl>
  );
}

function CardDetail({ id }: { id: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const q = useQuery({ queryKey: ['card', key, id], queryFn: () => api.cards.retrieve(id) });
  const c = q.data;
  const asset = useAccountAsset(c?.account_id);
  // One action at a time: its refusal (or what it did) shows under the buttons.
  const act = useAction((move: { status: string } | { last4: string }) =>
    'last4' in move ? api.cards.activate(id, move) : api.cards.update(id, move),
  );
  const [last4, setLast4] = useState('');
  return (
    <>
      <Title>Card {c ? cardName(c) : id}</Title>
      <p>
        <Link to="/cards">All cards</Link>
      </p>
      <ErrorAlert error={q.error} />
      {c ? (
        <>
          <dl className="facts">
            <dt>ID</dt>
            <dd>{c.id}</dd>
            <dt>Status</dt>
            <dd data-testid="card-status">
              <Status value={c.status} />
            </dd>
            <dt>Type</dt>
            <dd>{c.card_type}</dd>
            <dt>Number</dt>
            <dd>
              {c.network} ending <span data-testid="card-last4">{c.last4}</span>
            </dd>
            <dt>Expires</dt>
            <dd>{expiry(c)}</dd>
            <dt>Holder</dt>
            <dd>{c.cardholder_name ?? '—'}</dd>
            <dt>Customer</dt>
            <dd>
              <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.customer_id}</Link>
            </dd>
            <dt>Account</dt>
            <dd>
              <Link to={`/accounts/${encodeURIComponent(c.account_id)}`}>{c.account_id}</Link>
              {asset ? ` (${asset})` : null}
            </dd>
            <dt>Spending controls</dt>
            <dd>
              <SpendingControls controls={c.spending_controls} asset={asset} />
            </dd>
          </dl>
          <section aria-labelledby="card-actions-h">
            <h2 id="card-actions-h">Actions</h2>
            <div className="actions">
              {c.status === 'ACTIVE' ? (
                <button type="button" disabled={act.pending} onClick={() => act.run({ status: 'LOCKED' })}>
                  Lock
                </button>
              ) : null}
              {c.status === 'LOCKED' ? (
                <button type="button" disabled={act.pending} onClick={() => act.run({ status: 'ACTIVE' })}>
                  Unlock
                </button>
              ) : null}{' '}
              {CLOSABLE.includes(c.status) ? (
                <ConfirmButton
                  label="Close"
                  question={`Close card ${cardName(c)} for good? It cannot be reopened.`}
                  disabled={act.pending}
                  onConfirm={() => act.run({ status: 'CLOSED' })}
                />
              ) : null}
              {!CLOSABLE.includes(c.status) ? <p>This card is {c.status}: nothing more can be done with it.</p> : null}
            </div>
            {c.status === 'INACTIVE' ? (
              <form
                className="activate"
                aria-label="Activate card"
                onSubmit={(e: FormEvent) => {
                  e.preventDefault();
                  act.run({ last4: last4.trim() });
                }}
              >
                <p>The cardholder confirms the last 4 digits printed on the card they received.</p>
                <TextField label="Last 4 digits on the card" value={last4} onChange={setLast4} required autoComplete="off" />{' '}
                <button type="submit" disabled={act.pending}>
                  Activate
                </button>
              </form>
            ) : null}
            <ErrorAlert error={act.error} />
            {act.done && act.result ? <Done>Card is now {(act.result as any).status}.</Done> : null}
          </section>
          <section aria-labelledby="auth-h">
            <h2 id="auth-h">Authorizations</h2>
            <PagedTable
              caption="Authorizations, newest first"
              queryKey={['authorizations', key, id]}
              fetchPage={(cursor) => api.cards.authorizations(id, { cursor })}
              rowKey={(a: any) => a.id}
              empty="No authorizations yet."
              columns={[
                { header: 'When', cell: (a: any) => when(a.created_at) },
                {
                  header: 'Merchant',
                  cell: (a: any) =>
                    `${a.merchant?.name ?? ''} (MCC ${a.merchant?.mcc ?? '—'}, ${[a.merchant?.city, a.merchant?.country].filter(Boolean).join(', ')})`,
                },
                { header: 'Status', cell: (a: any) => <Status value={a.status} /> },
                { header: 'Amount', numeric: true, cell: (a: any) => (asset ? <Amount value={a.amount} asset={asset} /> : '…') },
                { header: 'Captured', numeric: true, cell: (a: any) => (asset ? <Amount value={a.captured_amount} asset={asset} /> : '…') },
                { header: 'Reversed', numeric: true, cell: (a: any) => (asset ? <Amount value={a.reversed_amount} asset={asset} /> : '…') },
                { header: 'Reason', cell: (a: any) => a.decline_reason ?? a.closed_reason ?? '—' },
                { header: 'Expires', cell: (a: any) => (a.status === 'PENDING' ? when(a.expires_at) : '—') },
              ]}
            />
          </section>
        </>
      ) : null}
    </>
  );
}
