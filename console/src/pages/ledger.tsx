import { useQuery } from '@tanstack/react-query';
import { assetInfo, formatAmount, minorToDecimal } from '../money';
import { useSession } from '../session';
import { ErrorAlert, Title, useAssets } from '../ui';

/** A sum of ledger lines (minor units, as the API answers it) in the asset's decimals and code. */
const sumText = (asset: string, minor: string, catalogue: ReturnType<typeof useAssets>) => {
  const info = assetInfo(asset, catalogue);
  return formatAmount(minorToDecimal(minor, info.decimals), info);
};

/** Operator: the ledger check (every asset sums to zero, stored balances equal their lines). */
export default function Ledger() {
  const { own } = useSession();
  const q = useQuery({ queryKey: ['ledger', 'verify'], queryFn: () => own.admin.ledger.verify() });
  const catalogue = useAssets();
  return (
    <>
      <Title>Ledger</Title>
      <ErrorAlert error={q.error} />
      {q.data ? (
        <>
          <p className={q.data.balanced ? 'ok' : 'bad'}>{q.data.balanced ? 'Ledger balanced' : 'Ledger NOT balanced'}</p>
          <table>
            <caption>Sum of every ledger line, per asset (zero when balanced)</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  Sum
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.assets.map((a: any) => (
                <tr key={a.asset_type_id}>
                  <td>{a.asset_type_id}</td>
                  <td className="num" data-testid={`sum-${a.asset_type_id}`}>
                    {sumText(a.asset_type_id, String(a.sum), catalogue)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {q.data.mismatched_accounts.length ? (
            <>
              <h2>Accounts whose stored balance differs from their lines</h2>
              <pre>{JSON.stringify(q.data.mismatched_accounts, null, 2)}</pre>
            </>
          ) : null}
        </>
      ) : (
        <p>Checking…</p>
      )}
    </>
  );
}
