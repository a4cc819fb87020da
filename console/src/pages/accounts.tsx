import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../session';
import { Amount, ErrorAlert, Filter, Link, openBlob, PagedTable, Status, TextField, Title, useAction, when } from '../ui';
import { HistoryTable, StatusChange } from './customers';
import { VirtualAccounts } from './virtual-accounts';

const STATUSES = ['OPEN', 'PENDING', 'EDD', 'FROZEN', 'DORMANT', 'CLOSED'];

export default function Accounts({ id }: { id?: string }) {
  return id ? <AccountDetail id={id} /> : <AccountList />;
}

function AccountList() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [customer, setCustomer] = useState('');
  return (
    <>
      <Title>Accounts</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter accounts">
        <Filter label="Status" value={status} options={[...STATUSES, 'PENDING_L2F', 'EDD_L2F', 'FROZEN_L2F']} onChange={setStatus} />
        <TextField label="Customer ID" value={customer} onChange={setCustomer} />
      </form>
      <PagedTable
        caption="Deposit accounts"
        queryKey={['accounts', api.actingFor ?? '', status, customer.trim()]}
        fetchPage={(cursor) => api.accounts.deposits.list({ status, customer_id: customer.trim(), cursor })}
        rowKey={(a: any) => a.id}
        columns={[
          { header: 'Account', cell: (a: any) => <Link to={`/accounts/${encodeURIComponent(a.id)}`}>{a.id}</Link> },
          { header: 'Customer', cell: (a: any) => <Link to={`/customers/${encodeURIComponent(a.customer_id)}`}>{a.customer_id}</Link> },
          { header: 'Asset', cell: (a: any) => a.asset_type_id },
          { header: 'Status', cell: (a: any) => <Status value={a.status} /> },
          { header: 'Current balance', numeric: true, cell: (a: any) => <Amount value={a.current_balance} asset={a.asset_type_id} /> },
          { header: 'Available balance', numeric: true, cell: (a: any) => <Amount value={a.available_balance} asset={a.asset_type_id} /> },
        ]}
      />
    </>
  );
}

function AccountDetail({ id }: { id: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const q = useQuery({ queryKey: ['account', key, id], queryFn: () => api.accounts.deposits.retrieve(id) });
  const statements = useQuery({ queryKey: ['statements', key, id], queryFn: () => api.accounts.deposits.statements(id) });
  const pdf = useAction((statementId: string) => api.accounts.deposits.statementPdf(id, statementId), openBlob);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const a = q.data;
  return (
    <>
      <Title>Account {id}</Title>
      <p>
        <Link to="/accounts">All accounts</Link>
      </p>
      <ErrorAlert error={q.error} />
      {a ? (
        <>
          <dl className="facts">
            <dt>Customer</dt>
            <dd>
              <Link to={`/customers/${encodeURIComponent(a.customer_id)}`}>{a.customer_id}</Link>
            </dd>
            <dt>Product</dt>
            <dd>
              {a.product_id} ({a.product_type})
            </dd>
            <dt>Asset</dt>
            <dd>{a.asset_type_id}</dd>
            <dt>Status</dt>
            <dd>
              <Status value={a.status} />
            </dd>
            <dt>Current balance</dt>
            <dd data-testid="current-balance">
              <Amount value={a.current_balance} asset={a.asset_type_id} />
            </dd>
            <dt>Available balance</dt>
            <dd data-testid="available-balance">
              <Amount value={a.available_balance} asset={a.asset_type_id} />
            </dd>
          </dl>
          <StatusChange id={id} current={a.status} statuses={STATUSES} update={(body) => api.accounts.deposits.update(id, body)} />
          {/* Bank details route fiat only (CONTRACT §14). */}
          {String(a.asset_type_id).startsWith('FIAT_') ? <VirtualAccounts key={id} accountId={id} /> : null}
          <section aria-labelledby="tx-h">
            <h2 id="tx-h">Transactions</h2>
            <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter transactions">
              <TextField label="From date" type="date" value={from} onChange={setFrom} />
              <TextField label="To date" type="date" value={to} onChange={setTo} />
            </form>
            <PagedTable
              caption="Transactions, newest first"
              queryKey={['transactions', key, id, from, to]}
              fetchPage={(cursor) => api.accounts.deposits.transactions(id, { start_date: from, end_date: to, cursor })}
              rowKey={(t: any) => t.id}
              columns={[
                { header: 'Date', cell: (t: any) => when(t.transaction_posted_date ?? t.transaction_date) },
                { header: 'Type', cell: (t: any) => t.transaction_type },
                { header: 'Description', cell: (t: any) => t.description ?? '—' },
                { header: 'Status', cell: (t: any) => <Status value={t.transaction_status} /> },
                { header: 'Amount', numeric: true, cell: (t: any) => <Amount value={t.value} asset={t.asset_type_id} /> },
                { header: 'Balance after', numeric: true, cell: (t: any) => <Amount value={t.balance_after} asset={t.asset_type_id} /> },
              ]}
            />
          </section>
          <section aria-labelledby="stmt-h">
            <h2 id="stmt-h">Statements</h2>
            <ErrorAlert error={statements.error ?? pdf.error} />
            <table>
              <caption>Monthly statements</caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col" className="num">
                    Opening
                  </th>
                  <th scope="col" className="num">
                    Closing
                  </th>
                  <th scope="col" className="num">
                    Transactions
                  </th>
                  <th scope="col">PDF</th>
                </tr>
              </thead>
              <tbody>
                {statements.data?.statements.map((s: any) => (
                  <tr key={s.id}>
                    <td>
                      {s.period_start.slice(0, 10)} – {s.period_end.slice(0, 10)}
                    </td>
                    <td className="num">
                      <Amount value={s.opening_balance} asset={s.asset_type_id} />
                    </td>
                    <td className="num">
                      <Amount value={s.closing_balance} asset={s.asset_type_id} />
                    </td>
                    <td className="num">{s.transaction_count}</td>
                    <td>
                      <button type="button" onClick={() => pdf.run(s.id)} aria-label={`Statement PDF ${s.id}`}>
                        Open PDF
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="ahist-h">
            <h2 id="ahist-h">History</h2>
            <HistoryTable queryKey={['account-history', key, id]} fetchPage={(cursor) => api.accounts.deposits.history(id, { cursor })} />
          </section>
        </>
      ) : null}
    </>
  );
}
