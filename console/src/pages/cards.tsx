import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { LedgerlineError } from '../api';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, Filter, Link, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

const STATUSES = ['INACTIVE', 'ACTIVE', 'LOCKED', 'CLOSED', 'LOST', 'STOLEN'];

/** GET /v1/cards answering 404 NOT_FOUND: this server has no cards routes (CONTRACT §13 not deployed). */
const noCardsRoute = (err: unknown) => err instanceof LedgerlineError && err.status === 404 && err.code === 'NOT_FOUND';

export function useCardsAvailable(): boolean | undefined {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['cards-available', api.actingFor ?? ''],
    queryFn: () =>
      api.cards.list({ limit: 1 }).then(
        () => true,
        (err) => (noCardsRoute(err) ? false : Promise.reject(err)),
      ),
    staleTime: 60_000,
  });
  return q.data;
}

export function CardsUnavailable() {
  return (
    <p role="status" className="notice">
      Cards are not available on this server.
    </p>
  );
}

export default function Cards({ id }: { id?: string }) {
  const available = useCardsAvailable();
  return (
    <>
      {available === false ? (
        <>
          <Title>Cards</Title>
          <CardsUnavailable />
        </>
      ) : id ? (
        <CardDetail id={id} />
      ) : (
        <CardList />
      )}
    </>
  );
}

function CardList() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState('');
  return (
    <>
      <Title>Cards</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter cards">
        <Filter label="Status" value={status} options={STATUSES} onChange={setStatus} />
        <TextField label="Customer ID" value={customer} onChange={setCustomer} />
      </form>
      <PagedTable
        caption="Cards"
        queryKey={['cards', api.actingFor ?? '', status, customer.trim()]}
        fetchPage={(cursor) => api.cards.list({ status, customer_id: customer.trim(), cursor })}
        rowKey={(c: any) => c.id}
        columns={[
          { header: 'Card', cell: (c: any) => <Link to={`/cards/${encodeURIComponent(c.id)}`}>{`${c.network} •••• ${c.last4}`}</Link> },
          { header: 'Holder', cell: (c: any) => c.cardholder_name ?? '—' },
          { header: 'Type', cell: (c: any) => c.card_type },
          { header: 'Status', cell: (c: any) => <Status value={c.status} /> },
          { header: 'Account', cell: (c: any) => <Link to={`/accounts/${encodeURIComponent(c.account_id)}`}>{c.account_id}</Link> },
          { header: 'Expires', cell: (c: any) => `${String(c.exp_month).padStart(2, '0')}/${c.exp_year}` },
        ]}
      />
    </>
  );
}

function CardDetail({ id }: { id: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const q = useQuery({ queryKey: ['card', key, id], queryFn: () => api.cards.retrieve(id) });
  const move = useAction((status: string) => api.cards.update(id, { status }));
  const c = q.data;
  // Authorizations are in the card's account's asset.
  const account = useQuery({
    queryKey: ['account', key, c?.account_id],
    queryFn: () => api.accounts.deposits.retrieve(c.account_id),
    enabled: Boolean(c?.account_id),
  });
  const asset = (a: any) => a.asset_type_id ?? account.data?.asset_type_id ?? '';
  return (
    <>
      <Title>Card {c ? `•••• ${c.last4}` : id}</Title>
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
            <dd>
              <Status value={c.status} />
            </dd>
            <dt>Type</dt>
            <dd>{c.card_type}</dd>
            <dt>Holder</dt>
            <dd>{c.cardholder_name ?? '—'}</dd>
            <dt>Customer / account</dt>
            <dd>
              <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.customer_id}</Link> /{' '}
              <Link to={`/accounts/${encodeURIComponent(c.account_id)}`}>{c.account_id}</Link>
            </dd>
            <dt>Spending controls</dt>
            <dd>
              <pre>{JSON.stringify(c.spending_controls ?? {}, null, 2)}</pre>
            </dd>
          </dl>
          <p className="actions">
            {c.status === 'ACTIVE' ? (
              <button type="button" onClick={() => move.run('LOCKED')}>
                Lock
              </button>
            ) : null}
            {c.status === 'LOCKED' ? (
              <button type="button" onClick={() => move.run('ACTIVE')}>
                Unlock
              </button>
            ) : null}{' '}
            {['INACTIVE', 'ACTIVE', 'LOCKED'].includes(c.status) ? (
              <ConfirmButton label="Close" question="Close this card for good?" onConfirm={() => move.run('CLOSED')} />
            ) : null}
          </p>
          <ErrorAlert error={move.error} />
          {move.result ? <Done>Card is now {move.result.status}.</Done> : null}
          <section aria-labelledby="auth-h">
            <h2 id="auth-h">Authorizations</h2>
            <PagedTable
              caption="Authorizations, newest first"
              queryKey={['authorizations', key, id]}
              fetchPage={(cursor) => api.cards.authorizations(id, { cursor })}
              rowKey={(a: any) => a.id}
              columns={[
                { header: 'When', cell: (a: any) => when(a.created_at) },
                {
                  header: 'Merchant',
                  cell: (a: any) => `${a.merchant?.name ?? ''} (MCC ${a.merchant?.mcc ?? '—'}, ${a.merchant?.country ?? ''})`,
                },
                { header: 'Status', cell: (a: any) => <Status value={a.status} /> },
                { header: 'Amount', numeric: true, cell: (a: any) => <Amount value={a.amount} asset={asset(a)} /> },
                { header: 'Captured', numeric: true, cell: (a: any) => <Amount value={a.captured_amount} asset={asset(a)} /> },
                { header: 'Reversed', numeric: true, cell: (a: any) => <Amount value={a.reversed_amount} asset={asset(a)} /> },
                { header: 'Reason', cell: (a: any) => a.decline_reason ?? a.closed_reason ?? '—' },
              ]}
            />
          </section>
        </>
      ) : null}
    </>
  );
}
