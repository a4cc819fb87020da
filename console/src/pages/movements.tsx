import { type ReactNode, useState } from 'react';
import type { ConsoleApi } from '../api';
import { useSession } from '../session';
import { Amount, ConfirmButton, ErrorAlert, Filter, Link, openBlob, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

type Kind = 'transfers' | 'deposits' | 'withdrawals' | 'exchanges';

const acct = (id: string | null | undefined) => (id ? <Link to={`/accounts/${encodeURIComponent(id)}`}>{id}</Link> : '—');

const SPEC: Record<Kind, { title: string; statuses: string[]; byAccount: boolean }> = {
  transfers: { title: 'Transfers', statuses: ['REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED'], byAccount: false },
  deposits: { title: 'Deposits', statuses: ['REQUESTED', 'ACCEPTED', 'EXECUTED', 'FAILURE', 'RETURNED'], byAccount: true },
  withdrawals: {
    title: 'Withdrawals',
    statuses: [
      'REQUESTED',
      'CHANGES_REQUESTED',
      'AUTHORIZED',
      'IN_PROGRESS',
      'EXECUTED',
      'FAILED',
      'RETURNED',
      'CANCELLED',
      'EXPIRED',
      'REJECTED',
    ],
    byAccount: true,
  },
  exchanges: { title: 'Exchanges', statuses: ['REQUESTED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'EXECUTED', 'REJECTED'], byAccount: false },
};

function Cancel({ what, id, run }: { what: string; id: string; run: (id: string) => Promise<unknown> }) {
  const cancel = useAction(run);
  return (
    <>
      <ConfirmButton label="Cancel" question={`Cancel ${what} ${id}?`} onConfirm={() => cancel.run(id)} />
      <ErrorAlert error={cancel.error} />
    </>
  );
}

function Receipt({ id, api }: { id: string; api: ConsoleApi }) {
  const r = useAction(() => api.withdrawals.receipt(id), openBlob);
  return (
    <>
      <button type="button" onClick={() => r.run()} aria-label={`Receipt PDF ${id}`}>
        Receipt
      </button>
      <ErrorAlert error={r.error} />
    </>
  );
}

function columns(kind: Kind, api: ConsoleApi): { header: string; cell: (r: any) => ReactNode; numeric?: boolean }[] {
  const created = { header: 'Created', cell: (r: any) => when(r.created_timestamp) };
  const status = { header: 'Status', cell: (r: any) => <Status value={r.status} /> };
  const id = { header: 'ID', cell: (r: any) => r.id };
  switch (kind) {
    case 'transfers':
      return [
        id,
        status,
        { header: 'From', cell: (r) => acct(r.source_details.source_account_id) },
        { header: 'To', cell: (r) => acct(r.destination_details.destination_account_id) },
        {
          header: 'Amount',
          numeric: true,
          cell: (r) => <Amount value={r.source_details.amount_to_debit} asset={r.source_details.asset_type_id} />,
        },
        created,
        {
          header: 'Actions',
          cell: (r) => (r.status === 'REQUESTED' ? <Cancel what="transfer" id={r.id} run={api.transfers.cancel} /> : null),
        },
      ];
    case 'deposits':
      return [
        id,
        status,
        { header: 'Type', cell: (r) => r.deposit_type },
        { header: 'To', cell: (r) => acct(r.deposit_destination?.destination_account_id) },
        {
          header: 'Received',
          numeric: true,
          cell: (r) => <Amount value={r.received_total} asset={r.deposit_destination?.asset_type_id ?? ''} />,
        },
        {
          header: 'Instructions',
          cell: (r) =>
            (r.deposit_source?.deposit_instructions ?? [])
              .map((i: any) => [i.rail ?? i.instruction_type, i.memo ?? i.address ?? i.reference].filter(Boolean).join(' '))
              .join('; ') || '—',
        },
        created,
      ];
    case 'withdrawals':
      return [
        id,
        status,
        { header: 'From', cell: (r) => acct(r.source_account_id) },
        {
          header: 'Counterparty',
          cell: (r) => (
            <Link to={`/counterparties/${encodeURIComponent(r.destination_counterparty_id)}`}>{r.destination_counterparty_id}</Link>
          ),
        },
        { header: 'Rail', cell: (r) => r.withdrawal_rail },
        { header: 'Amount', numeric: true, cell: (r) => <Amount value={r.amount} asset={r.asset_type_id} /> },
        created,
        {
          header: 'Actions',
          cell: (r) =>
            r.status === 'REQUESTED' ? (
              <Cancel what="withdrawal" id={r.id} run={api.withdrawals.cancel} />
            ) : r.status === 'EXECUTED' || r.status === 'RETURNED' ? (
              <Receipt id={r.id} api={api} />
            ) : null,
        },
      ];
    case 'exchanges':
      return [
        id,
        status,
        {
          header: 'Sell',
          numeric: true,
          cell: (r) => <Amount value={r.source_details.amount_to_debit} asset={r.source_details.asset_type_id} />,
        },
        {
          header: 'Buy',
          numeric: true,
          cell: (r) => <Amount value={r.destination_details.amount_to_credit} asset={r.destination_details.asset_type_id} />,
        },
        { header: 'Rate', numeric: true, cell: (r) => r.rate },
        { header: 'Fee', numeric: true, cell: (r) => <Amount value={r.fee} asset={r.destination_details.asset_type_id} /> },
        created,
      ];
  }
}

/** Transfers, deposits, withdrawals and exchanges: one list each, filtered through the API. */
export default function Movements({ kind }: { kind: Kind }) {
  const { api } = useSession();
  const spec = SPEC[kind];
  const [status, setStatus] = useState('');
  const [account, setAccount] = useState('');
  return (
    <>
      <Title>{spec.title}</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={`Filter ${kind}`}>
        <Filter label="Status" value={status} options={spec.statuses} onChange={setStatus} />
        {spec.byAccount ? <TextField label="Account ID" value={account} onChange={setAccount} /> : null}
      </form>
      <PagedTable
        key={kind}
        caption={spec.title}
        queryKey={[kind, api.actingFor ?? '', status, account.trim()]}
        fetchPage={(cursor) => api[kind].list({ status, ...(spec.byAccount && { account_id: account.trim() }), cursor })}
        rowKey={(r: any) => r.id}
        columns={columns(kind, api)}
      />
    </>
  );
}
