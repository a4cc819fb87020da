import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, TextField, Title, useAction, when } from '../ui';

/**
 * Operator: incoming funds nobody matched. Assigning one credits an account of the client the
 * operator acts for (the switcher), as `POST /v1/admin/suspense/{id}/assign` with x-l2f-client-id.
 * The API answers the newest 100 at once (it has no pages for this list).
 */
export default function Suspense() {
  const { own, acting } = useSession();
  const q = useQuery({ queryKey: ['suspense'], queryFn: () => own.admin.suspense.list() });
  return (
    <>
      <Title>Suspense</Title>
      {acting ? (
        <p>Funds are assigned to an account of client {acting}.</p>
      ) : (
        <p className="notice">Choose the client whose account receives the funds in "Acting for client" first.</p>
      )}
      <ErrorAlert error={q.error} />
      <table>
        <caption>Unmatched incoming funds, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Rail</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Memo / address</th>
            <th scope="col">Reason</th>
            <th scope="col">Assign</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.map((item: any) => (
            <SuspenseRow key={item.id} item={item} />
          ))}
          {q.data && !q.data.length ? (
            <tr>
              <td colSpan={6}>Nothing in suspense.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </>
  );
}

function SuspenseRow({ item }: { item: any }) {
  const { api } = useSession();
  const [account, setAccount] = useState('');
  const assign = useAction(() => api.admin.suspense.assign(item.id, account.trim()));
  return (
    <tr>
      <td>{when(item.created_at)}</td>
      <td>{item.rail}</td>
      <td className="num">
        <Amount value={item.amount} asset={item.asset_type_id} />
      </td>
      <td>{item.memo ?? item.wallet_address ?? '—'}</td>
      <td>{item.reason ?? '—'}</td>
      <td>
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
      </td>
    </tr>
  );
}
