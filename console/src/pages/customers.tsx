import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, Filter, Link, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

const BASE_STATUSES = ['ACTIVE', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED'];
const L2F_STATUSES = ['PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F'];

export const customerName = (c: any) =>
  c.customer_type === 'CORPORATION' ? c.registered_name : [c.first_name, c.middle_name, c.last_name].filter(Boolean).join(' ');

export default function Customers({ id }: { id?: string }) {
  return id ? <CustomerDetail id={id} /> : <CustomerList />;
}

function CustomerList() {
  const { api } = useSession();
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  return (
    <>
      <Title>Customers</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter customers">
        <Filter label="Type" value={type} options={['INDIVIDUAL', 'CORPORATION']} onChange={setType} />
        <Filter label="Status" value={status} options={[...BASE_STATUSES, ...L2F_STATUSES]} onChange={setStatus} />
      </form>
      <PagedTable
        caption="Customers"
        queryKey={['customers', api.actingFor ?? '', type, status]}
        fetchPage={(cursor) => api.customers.list({ type, status, cursor })}
        rowKey={(c: any) => c.id}
        columns={[
          { header: 'Name', cell: (c: any) => <Link to={`/customers/${encodeURIComponent(c.id)}`}>{customerName(c)}</Link> },
          { header: 'ID', cell: (c: any) => c.id },
          { header: 'Type', cell: (c: any) => c.customer_type },
          { header: 'Status', cell: (c: any) => <Status value={c.status} /> },
          { header: 'Accounts', cell: (c: any) => c.accounts.length },
          { header: 'Created', cell: (c: any) => when(c.created_at) },
        ]}
      />
    </>
  );
}

function CustomerDetail({ id }: { id: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const q = useQuery({ queryKey: ['customer', key, id], queryFn: () => api.customers.retrieve(id) });
  const c = q.data;
  return (
    <>
      <Title>{c ? customerName(c) : `Customer ${id}`}</Title>
      <p>
        <Link to="/customers">All customers</Link>
      </p>
      <ErrorAlert error={q.error} />
      {c ? (
        <>
          <dl className="facts">
            <dt>ID</dt>
            <dd>{c.id}</dd>
            <dt>Type</dt>
            <dd>{c.customer_type}</dd>
            <dt>Status</dt>
            <dd>
              <Status value={c.status} />
            </dd>
            <dt>Email</dt>
            <dd>{c.email_address ?? '—'}</dd>
            <dt>Telephone</dt>
            <dd>{c.telephone_number ?? '—'}</dd>
            {'tax_reference_number' in c && c.tax_reference_number ? (
              <>
                <dt>Tax reference</dt>
                <dd>{String(c.tax_reference_number)}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{when(c.created_at)}</dd>
          </dl>
          <StatusChange id={id} current={c.status} />
          <section aria-labelledby="accounts-h">
            <h2 id="accounts-h">Accounts</h2>
            <PagedTable
              caption={`Accounts of ${customerName(c)}`}
              queryKey={['accounts', key, 'customer', id]}
              fetchPage={(cursor) => api.accounts.deposits.list({ customer_id: id, cursor })}
              rowKey={(a: any) => a.id}
              columns={[
                { header: 'Account', cell: (a: any) => <Link to={`/accounts/${encodeURIComponent(a.id)}`}>{a.id}</Link> },
                { header: 'Asset', cell: (a: any) => a.asset_type_id },
                { header: 'Status', cell: (a: any) => <Status value={a.status} /> },
                {
                  header: 'Current balance',
                  numeric: true,
                  cell: (a: any) => <Amount value={a.current_balance} asset={a.asset_type_id} />,
                },
                {
                  header: 'Available balance',
                  numeric: true,
                  cell: (a: any) => <Amount value={a.available_balance} asset={a.asset_type_id} />,
                },
              ]}
            />
          </section>
          {c.customer_type === 'CORPORATION' ? (
            <section aria-labelledby="individuals-h">
              <h2 id="individuals-h">Individuals</h2>
              <PagedTable
                caption="Officers, owners and control persons"
                queryKey={['individuals', key, id]}
                fetchPage={(cursor) => api.customers.individuals(id, { cursor })}
                rowKey={(i: any) => i.id}
                columns={[
                  { header: 'Name', cell: (i: any) => [i.first_name, i.last_name].join(' ') },
                  {
                    header: 'Roles',
                    cell: (i: any) => (Array.isArray(i.individual_type) ? i.individual_type.join(', ') : i.individual_type),
                  },
                  {
                    header: 'Ownership',
                    numeric: true,
                    cell: (i: any) => (i.percentage_ownership === undefined ? '—' : `${i.percentage_ownership} %`),
                  },
                  { header: 'Email', cell: (i: any) => i.email_address ?? '—' },
                ]}
              />
            </section>
          ) : null}
          <section aria-labelledby="history-h">
            <h2 id="history-h">History</h2>
            <HistoryTable queryKey={['customer-history', key, id]} fetchPage={(cursor) => api.customers.history(id, { cursor })} />
          </section>
        </>
      ) : null}
    </>
  );
}

export function HistoryTable({
  queryKey,
  fetchPage,
}: {
  queryKey: unknown[];
  fetchPage: (cursor: string | undefined) => PromiseLike<any>;
}) {
  const show = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <PagedTable
      caption="Changes, newest first"
      queryKey={queryKey}
      fetchPage={fetchPage}
      rowKey={(h: any) => h.id}
      columns={[
        { header: 'When', cell: (h: any) => when(h.created_at) },
        { header: 'Field', cell: (h: any) => h.field },
        { header: 'Before', cell: (h: any) => show(h.before) },
        { header: 'After', cell: (h: any) => show(h.after) },
        { header: 'By', cell: (h: any) => `${h.actor?.type ?? ''} ${h.actor?.client_id ?? ''}${h.updated_by ? ` (${h.updated_by})` : ''}` },
        { header: 'Reason', cell: (h: any) => h.reason ?? '—' },
      ]}
    />
  );
}

/** A status move (CONTRACT §5); the `_L2F` statuses are offered to the operator only. */
export function StatusChange({
  id,
  current,
  update,
  statuses = BASE_STATUSES,
}: {
  id: string;
  current: string;
  update?: (body: unknown) => Promise<unknown>;
  statuses?: string[];
}) {
  const { api, operator } = useSession();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const selectId = useId();
  const options = [...statuses, ...(operator ? L2F_STATUSES : [])].filter((s) => s !== current);
  const change = useAction(() =>
    (update ?? ((body: unknown) => api.customers.update(id, body)))({
      updates: [{ field: 'status', value: to }],
      updated_by: api.clientId,
      ...(reason.trim() && { reason: reason.trim() }),
    }),
  );
  return (
    <section aria-labelledby={`${selectId}-h`} className="status-change">
      <h2 id={`${selectId}-h`}>Change status</h2>
      <p>
        <label htmlFor={selectId}>New status</label>{' '}
        <select id={selectId} value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">Choose…</option>
          {options.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>{' '}
        <TextField label="Reason" value={reason} onChange={setReason} />{' '}
        <ConfirmButton
          label="Change status"
          disabled={!to}
          question={`Change the status from ${current} to ${to}?`}
          onConfirm={() => change.run()}
        />
      </p>
      <ErrorAlert error={change.error} />
      {change.done ? <Done>Status changed.</Done> : null}
    </section>
  );
}
