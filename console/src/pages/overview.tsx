import { useQuery } from '@tanstack/react-query';
import { useSession } from '../session';
import { ErrorAlert, Link, Title } from '../ui';

/** Counts of the acting client's data, and for the operator whether the ledger balances. */
export function Overview() {
  const { api, own, operator, acting } = useSession();
  const key = api.actingFor ?? '';
  const counts = useQuery({
    queryKey: ['overview', key],
    // Each count on its own: a token without one list's scope still sees the others.
    queryFn: async () => {
      const settled = await Promise.allSettled([
        api.customers.count(),
        api.accounts.deposits.count(),
        api.applications.count({ status: 'PROCESSING' }),
        api.applications.count(),
        api.transfers.count(),
        api.withdrawals.count(),
        api.counterparties.count(),
      ]);
      const [customers, accounts, review, applications, transfers, withdrawals, counterparties] = settled.map((r) =>
        r.status === 'fulfilled' ? r.value : null,
      );
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return { customers, accounts, review, applications, transfers, withdrawals, counterparties, error: failed?.reason };
    },
    // The operator's counts are those of the client it acts for.
    enabled: !operator || Boolean(acting),
  });
  const ledger = useQuery({ queryKey: ['ledger', 'verify'], queryFn: () => own.admin.ledger.verify(), enabled: operator });
  const c = counts.data;
  const rows: [string, number | null | undefined, string][] = [
    ['Customers', c?.customers, '/customers'],
    ['Deposit accounts', c?.accounts, '/accounts'],
    ['Applications waiting for review', c?.review, '/applications'],
    ['Applications', c?.applications, '/applications'],
    ['Transfers', c?.transfers, '/transfers'],
    ['Withdrawals', c?.withdrawals, '/withdrawals'],
    ['Counterparties', c?.counterparties, '/counterparties'],
  ];
  return (
    <>
      <Title>Overview</Title>
      <ErrorAlert error={counts.error ?? counts.data?.error} />
      {operator && !acting ? <p className="notice">Choose a client in "Acting for client" to see its counts.</p> : null}
      <dl className="counts" aria-busy={counts.isPending}>
        {rows.map(([label, n, to]) => (
          <div key={label}>
            <dt>
              <Link to={to}>{label}</Link>
            </dt>
            <dd>{n === undefined ? (operator && !acting ? '—' : '…') : n === null ? '—' : n.toLocaleString('en-US')}</dd>
          </div>
        ))}
      </dl>
      {operator ? (
        <section aria-labelledby="ledger-h">
          <h2 id="ledger-h">Ledger</h2>
          <ErrorAlert error={ledger.error} />
          {ledger.data ? (
            <p className={ledger.data.balanced ? 'ok' : 'bad'} data-testid="ledger-balanced">
              {ledger.data.balanced ? 'Ledger balanced' : 'Ledger NOT balanced'}: every asset sums to zero
              {ledger.data.balanced ? ' and every stored balance equals its lines.' : ' — see the Ledger page.'}
            </p>
          ) : (
            <p>Checking the ledger…</p>
          )}
        </section>
      ) : null}
    </>
  );
}
