import { useState } from 'react';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, Filter, PagedTable, TextField, Title, useAction, when } from '../ui';

const RAILS = ['ACH', 'FEDWIRE', 'SWIFT', 'SEPA_CT', 'FPS', 'CHAPS', 'IMPS', 'SPEI', 'UAEFTS', 'EFT', 'CRYPTO'];

/**
 * Operator: incoming funds nobody matched, newest first, a page at a time and filtered through the
 * API (rail, asset). Assigning one credits an account of the client the operator acts for (the
 * switcher), as `POST /v1/admin/suspense/{id}/assign` with x-l2f-client-id.
 */
export default function Suspense() {
  const { own, acting } = useSession();
  const [rail, setRail] = useState('');
  const [asset, setAsset] = useState('');
  return (
    <>
      <Title>Suspense</Title>
      {acting ? (
        <p>Funds are assigned to an account of client {acting}.</p>
      ) : (
        <p className="notice">Choose the client whose account receives the funds in "Acting for client" first.</p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter suspense">
        <Filter label="Rail" value={rail} options={RAILS} onChange={setRail} />{' '}
        <TextField label="Asset" value={asset} onChange={setAsset} />
      </form>
      <PagedTable
        caption="Unmatched incoming funds, newest first"
        queryKey={['suspense', rail, asset.trim()]}
        fetchPage={(cursor) => own.admin.suspense.page({ rail, asset_type_id: asset.trim(), cursor })}
        rowKey={(item: any) => item.id}
        empty="Nothing in suspense."
        columns={[
          { header: 'Received', cell: (item: any) => when(item.created_at) },
          { header: 'Rail', cell: (item: any) => item.rail },
          { header: 'Amount', numeric: true, cell: (item: any) => <Amount value={item.amount} asset={item.asset_type_id} /> },
          { header: 'Memo / address', cell: (item: any) => item.memo ?? item.wallet_address ?? '—' },
          { header: 'Reason', cell: (item: any) => item.reason ?? '—' },
          { header: 'Assign', cell: (item: any) => <Assign item={item} /> },
        ]}
      />
    </>
  );
}

function Assign({ item }: { item: any }) {
  const { api } = useSession();
  const [account, setAccount] = useState('');
  const assign = useAction(() => api.admin.suspense.assign(item.id, account.trim()));
  return (
    <>
      <fieldset className="inline" aria-label={`Assign suspense item ${item.id}`}>
        <TextField label="Account ID" value={account} onChange={setAccount} />{' '}
        <ConfirmButton
          label="Assign"
          disabled={!account.trim()}
          question={`Credit these funds to account ${account.trim()}?`}
          onConfirm={() => assign.run()}
        />
      </fieldset>
      <ErrorAlert error={assign.error} />
      {assign.done ? <Done>Assigned.</Done> : null}
    </>
  );
}
