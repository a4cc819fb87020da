import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, TextField, Title, useAction, when } from '../ui';

/**
 * Operator: the platform's clients. Create one (its secret is shown once), rotate a secret (the old
 * one and its tokens stop working), require signed accepts, set the exchange spread. The API lists
 * every client at once (it has no pages for this list).
 */
export default function Clients() {
  const { own } = useSession();
  const q = useQuery({ queryKey: ['admin', 'clients'], queryFn: () => own.admin.clients.list() });
  return (
    <>
      <Title>Clients</Title>
      <CreateClient />
      <ErrorAlert error={q.error} />
      <table>
        <caption>Clients</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Client ID</th>
            <th scope="col">Regulated</th>
            <th scope="col">Created</th>
            <th scope="col">Signing and spread</th>
            <th scope="col">Secret</th>
          </tr>
        </thead>
        <tbody>
          {q.data?.map((c: any) => (
            <ClientRow key={c.client_id} client={c} />
          ))}
        </tbody>
      </table>
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

function ClientRow({ client }: { client: any }) {
  const { own } = useSession();
  const [signing, setSigning] = useState<boolean>(client.signing_required);
  const [spread, setSpread] = useState(String(client.exchange_spread_bps ?? 0));
  const save = useAction(() =>
    own.admin.clients.update(client.client_id, { signing_required: signing, exchange_spread_bps: Number(spread) }),
  );
  const rotate = useAction(() => own.admin.clients.rotateSecret(client.client_id));
  return (
    <tr>
      <td>{client.name}</td>
      <td>
        <code>{client.client_id}</code>
      </td>
      <td>{client.regulated ? 'yes' : 'no'}</td>
      <td>{when(client.created_at)}</td>
      <td>
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
      </td>
      <td>
        <ConfirmButton
          label="Rotate secret"
          question={`Rotate the secret of ${client.name}? The old secret and its tokens stop working.`}
          onConfirm={() => rotate.run()}
        />
        <ErrorAlert error={rotate.error} />
        {rotate.result ? <Secret secret={rotate.result.client_secret} /> : null}
      </td>
    </tr>
  );
}
