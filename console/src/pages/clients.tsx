import { type FormEvent, useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, Filter, PagedTable, TextField, Title, useAction, when } from '../ui';

/**
 * Operator: the platform's clients, newest first, a page at a time (filter: regulated or not).
 * Create one (its secret is shown once), rotate a secret (the old one and its tokens stop
 * working), require signed accepts, set the exchange spread.
 */
export default function Clients() {
  const { own } = useSession();
  const [regulated, setRegulated] = useState('');
  return (
    <>
      <Title>Clients</Title>
      <CreateClient />
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter clients">
        <Filter label="Regulated" value={regulated} options={['yes', 'no']} onChange={setRegulated} />
      </form>
      <PagedTable
        caption="Clients"
        queryKey={['admin', 'clients', 'page', regulated]}
        fetchPage={(cursor) => own.admin.clients.page({ regulated: regulated ? String(regulated === 'yes') : '', cursor })}
        rowKey={(c: any) => c.client_id}
        empty="No clients match."
        columns={[
          { header: 'Name', cell: (c: any) => c.name },
          { header: 'Client ID', cell: (c: any) => <code>{c.client_id}</code> },
          { header: 'Regulated', cell: (c: any) => (c.regulated ? 'yes' : 'no') },
          { header: 'Created', cell: (c: any) => when(c.created_at) },
          { header: 'Signing and spread', cell: (c: any) => <Settings client={c} /> },
          { header: 'Secret', cell: (c: any) => <Rotate client={c} /> },
        ]}
      />
    </>
  );
}

function Secret({ secret }: { secret: string }) {
  return (
    <Done>
      New secret, shown once: <code data-testid="client-secret">{secret}</code>
    </Done>
  );
}

function CreateClient() {
  const { own } = useSession();
  const [name, setName] = useState('');
  const [regulated, setRegulated] = useState(false);
  const [signing, setSigning] = useState(false);
  const create = useAction(() => own.admin.clients.create({ name: name.trim(), regulated, signing_required: signing }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.run();
  };
  return (
    <section aria-labelledby="new-client-h">
      <h2 id="new-client-h">New client</h2>
      <form onSubmit={submit}>
        <TextField label="Name" value={name} onChange={setName} required />{' '}
        <label className="check">
          <input type="checkbox" checked={regulated} onChange={(e) => setRegulated(e.target.checked)} /> Regulated
        </label>{' '}
        <label className="check">
          <input type="checkbox" checked={signing} onChange={(e) => setSigning(e.target.checked)} /> Signing required
        </label>{' '}
        <button type="submit" disabled={create.pending}>
          Create client
        </button>
      </form>
      <ErrorAlert error={create.error} />
      {create.result ? (
        <>
          <Done>
            Created {create.result.name}: client ID <code>{create.result.client_id}</code>
          </Done>
          <Secret secret={create.result.client_secret} />
        </>
      ) : null}
    </section>
  );
}

function Settings({ client }: { client: any }) {
  const { own } = useSession();
  const [signing, setSigning] = useState<boolean>(client.signing_required);
  const [spread, setSpread] = useState(String(client.exchange_spread_bps ?? 0));
  const save = useAction(() =>
    own.admin.clients.update(client.client_id, { signing_required: signing, exchange_spread_bps: Number(spread) }),
  );
  return (
    <>
      <form
        className="inline"
        aria-label={`Settings of ${client.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          save.run();
        }}
      >
        <label className="check">
          <input type="checkbox" checked={signing} onChange={(e) => setSigning(e.target.checked)} /> Signing required
        </label>{' '}
        <TextField label="Spread (bps)" type="number" value={spread} onChange={setSpread} />{' '}
        <button type="submit" disabled={save.pending}>
          Save
        </button>
      </form>
      <ErrorAlert error={save.error} />
      {save.done ? <Done>Saved.</Done> : null}
    </>
  );
}

function Rotate({ client }: { client: any }) {
  const { own } = useSession();
  const rotate = useAction(() => own.admin.clients.rotateSecret(client.client_id));
  return (
    <>
      <ConfirmButton
        label="Rotate secret"
        question={`Rotate the secret of ${client.name}? The old secret and its tokens stop working.`}
        onConfirm={() => rotate.run()}
      />
      <ErrorAlert error={rotate.error} />
      {rotate.result ? <Secret secret={rotate.result.client_secret} /> : null}
    </>
  );
}
