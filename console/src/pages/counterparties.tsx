import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, Filter, Link, PagedTable, Status, TextField, Title, useAction, when } from '../ui';
import { HistoryTable, StatusChange } from './customers';

const STATUSES = ['ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED', 'PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F'];

export default function Counterparties({ id }: { id?: string }) {
  return id ? <CounterpartyDetail id={id} /> : <CounterpartyList />;
}

function CounterpartyList() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState('');
  return (
    <>
      <Title>Counterparties</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter counterparties">
        <Filter label="Status" value={status} options={STATUSES} onChange={setStatus} />
        <TextField label="Customer ID" value={customer} onChange={setCustomer} />
      </form>
      <PagedTable
        caption="Counterparties (PENDING ones wait for screening)"
        queryKey={['counterparties', api.actingFor ?? '', status, customer.trim()]}
        fetchPage={(cursor) => api.counterparties.list({ status, customer_id: customer.trim(), cursor })}
        rowKey={(c: any) => c.id}
        columns={[
          { header: 'Name', cell: (c: any) => <Link to={`/counterparties/${encodeURIComponent(c.id)}`}>{c.profile?.name ?? c.id}</Link> },
          { header: 'Type', cell: (c: any) => c.counterparty_type },
          { header: 'Customer', cell: (c: any) => c.customer_id },
          { header: 'Status', cell: (c: any) => <Status value={c.status} /> },
          { header: 'Created', cell: (c: any) => when(c.created_at) },
        ]}
      />
    </>
  );
}

function CounterpartyDetail({ id }: { id: string }) {
  const { api, sandbox } = useSession();
  const key = api.actingFor ?? '';
  const q = useQuery({ queryKey: ['counterparty', key, id], queryFn: () => api.counterparties.retrieve(id) });
  const [reason, setReason] = useState('');
  const screen = useAction((result: string) =>
    api.simulations.counterparties.screening(id, { result, ...(reason.trim() && { reason: reason.trim() }) }),
  );
  const c = q.data;
  return (
    <>
      <Title>Counterparty {c?.profile?.name ?? id}</Title>
      <p>
        <Link to="/counterparties">All counterparties</Link>
      </p>
      <ErrorAlert error={q.error} />
      {c ? (
        <>
          <dl className="facts">
            <dt>ID</dt>
            <dd>{c.id}</dd>
            <dt>Customer</dt>
            <dd>
              <Link to={`/customers/${encodeURIComponent(c.customer_id)}`}>{c.customer_id}</Link>
            </dd>
            <dt>Type</dt>
            <dd>{c.counterparty_type}</dd>
            <dt>Status</dt>
            <dd>
              <Status value={c.status} />
            </dd>
            <dt>Rails</dt>
            <dd>{(c.supported_rails ?? []).join(', ') || '—'}</dd>
            <dt>Profile</dt>
            <dd>
              <pre>{JSON.stringify(c.profile, null, 2)}</pre>
            </dd>
            <dt>Account information</dt>
            <dd>
              <pre>{JSON.stringify('account_information' in c ? c.account_information : null, null, 2)}</pre>
            </dd>
          </dl>
          {sandbox ? (
            <section aria-labelledby="screen-h">
              <h2 id="screen-h">Screening decision (sandbox)</h2>
              <p>
                <TextField label="Screening reason" value={reason} onChange={setReason} />
              </p>
              <p className="actions">
                <button type="button" onClick={() => screen.run('ACTIVE')}>
                  Approve
                </button>{' '}
                <ConfirmButton label="Reject" question="Reject this counterparty in screening?" onConfirm={() => screen.run('REJECTED')} />{' '}
                <button type="button" onClick={() => screen.run('EDD')}>
                  Enhanced due diligence
                </button>
              </p>
              <ErrorAlert error={screen.error} />
              {screen.result ? <Done>Counterparty is now {screen.result.status}.</Done> : null}
            </section>
          ) : null}
          <StatusChange id={id} current={c.status} statuses={STATUSES.slice(0, 6)} update={(body) => api.counterparties.update(id, body)} />
          <section aria-labelledby="chist-h">
            <h2 id="chist-h">History</h2>
            <HistoryTable queryKey={['counterparty-history', key, id]} fetchPage={(cursor) => api.counterparties.history(id, { cursor })} />
          </section>
        </>
      ) : null}
    </>
  );
}
