/**
 * An account's virtual accounts (CONTRACT §14): dedicated bank details that route incoming money
 * to it. Listed on the account's page, created there (by rail), disabled, enabled and closed.
 */
import { type FormEvent, useId, useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, PagedTable, Status, TextField, useAction } from '../ui';

const RAILS = ['ACH', 'FEDWIRE', 'SEPA_CT'];

/** The bank details a payer needs: account and routing number (ACH, FEDWIRE), or IBAN and BIC (SEPA_CT). */
function Details({ va }: { va: any }) {
  if (va.iban)
    return (
      <span className="details">
        IBAN <span data-testid="va-iban">{va.iban}</span>
        {va.bic ? (
          <>
            , BIC <span data-testid="va-bic">{va.bic}</span>
          </>
        ) : null}
      </span>
    );
  return (
    <span className="details">
      Account <span data-testid="va-account-number">{va.account_number ?? '—'}</span>, routing{' '}
      <span data-testid="va-routing-number">{va.routing_number ?? '—'}</span>
    </span>
  );
}

const label = (va: any) => `${va.name ? `${va.name} ` : ''}(${va.rail}, ${va.iban ?? `…${String(va.account_number ?? '').slice(-4)}`})`;

/** The row's moves: Disable (ACTIVE), Enable (DISABLED), Close (either; asks first: it is for good). */
function Actions({ va }: { va: any }) {
  const { api } = useSession();
  const act = useAction((status: string) => api.virtualAccounts.update(va.id, { status }));
  if (va.status === 'CLOSED') return <span className="muted">Closed for good</span>;
  return (
    <div>
      <span className="actions">
        {va.status === 'ACTIVE' ? (
          <button type="button" disabled={act.pending} onClick={() => act.run('DISABLED')} aria-label={`Disable ${label(va)}`}>
            Disable
          </button>
        ) : null}
        {va.status === 'DISABLED' ? (
          <button type="button" disabled={act.pending} onClick={() => act.run('ACTIVE')} aria-label={`Enable ${label(va)}`}>
            Enable
          </button>
        ) : null}
        <ConfirmButton
          label="Close"
          question={`Close virtual account ${label(va)} for good? Money sent to these details will be returned.`}
          disabled={act.pending}
          onConfirm={() => act.run('CLOSED')}
        />
      </span>
      <ErrorAlert error={act.error} />
    </div>
  );
}

export function VirtualAccounts({ accountId }: { accountId: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const [rail, setRail] = useState('ACH');
  const [name, setName] = useState('');
  const railId = useId();
  const create = useAction(
    () => api.virtualAccounts.create(accountId, { rail, ...(name.trim() && { name: name.trim() }) }),
    () => setName(''),
  );
  return (
    <section aria-labelledby="va-h">
      <h2 id="va-h">Virtual accounts</h2>
      <PagedTable
        caption="Virtual accounts, newest first"
        queryKey={['virtual-accounts', key, accountId]}
        fetchPage={(cursor) => api.virtualAccounts.list(accountId, { cursor })}
        rowKey={(v: any) => v.id}
        empty="No virtual accounts yet."
        columns={[
          { header: 'Name', cell: (v: any) => v.name || '—' },
          { header: 'Rail', cell: (v: any) => v.rail },
          { header: 'Status', cell: (v: any) => <Status value={v.status} /> },
          { header: 'Bank details', cell: (v: any) => <Details va={v} /> },
          { header: 'Actions', cell: (v: any) => <Actions va={v} /> },
        ]}
      />
      <form
        aria-label="Create virtual account"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.run();
        }}
      >
        <span className="field">
          <label htmlFor={railId}>Rail</label>{' '}
          <select id={railId} value={rail} onChange={(e) => setRail(e.target.value)}>
            {RAILS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </span>{' '}
        <TextField label="Virtual account name" value={name} onChange={setName} />{' '}
        <button type="submit" disabled={create.pending}>
          Create virtual account
        </button>
      </form>
      <ErrorAlert error={create.error} />
      {create.done && create.result ? (
        <Done>
          Created {create.result.rail} virtual account: <Details va={create.result} />.
        </Done>
      ) : null}
    </section>
  );
}
