import { EVENT_TYPES } from '@ledgerline/sdk';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, Filter, Link, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

export default function Webhooks({ id }: { id?: string }) {
  return id ? <Deliveries subscriptionId={id} /> : <Subscriptions />;
}

function Subscriptions() {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const [eventType, setEventType] = useState('TRANSACTION_POSTED');
  const [url, setUrl] = useState('');
  const typeId = useId();
  const create = useAction(() => api.subscriptions.create({ event_type: eventType, callback_url: url.trim() }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.run();
  };
  return (
    <>
      <Title>Webhooks</Title>
      <section aria-labelledby="sub-new-h">
        <h2 id="sub-new-h">New subscription</h2>
        <form onSubmit={submit}>
          <label htmlFor={typeId}>Event type</label>{' '}
          <select id={typeId} value={eventType} onChange={(e) => setEventType(e.target.value)}>
            {EVENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>{' '}
          <TextField label="Callback URL" type="url" value={url} onChange={setUrl} required />{' '}
          <button type="submit" disabled={create.pending}>
            Subscribe
          </button>
        </form>
        <ErrorAlert error={create.error} />
        {create.result ? (
          <Done>
            Subscribed ({create.result.id}). Signature verification key: <code>{create.result.signature_verification_key}</code>
          </Done>
        ) : null}
      </section>
      <PagedTable
        caption="Subscriptions"
        queryKey={['subscriptions', key]}
        fetchPage={(cursor) => api.subscriptions.list({ cursor })}
        rowKey={(s: any) => s.id}
        columns={[
          { header: 'Event type', cell: (s: any) => <Link to={`/webhooks/${encodeURIComponent(s.id)}`}>{s.event_type}</Link> },
          { header: 'Callback URL', cell: (s: any) => s.callback_url },
          { header: 'ID', cell: (s: any) => s.id },
          { header: 'Created', cell: (s: any) => when(s.created_at) },
          { header: 'Actions', cell: (s: any) => <DeleteSubscription id={s.id} /> },
        ]}
      />
      <Events />
    </>
  );
}

function DeleteSubscription({ id }: { id: string }) {
  const { api } = useSession();
  const del = useAction(() => api.subscriptions.delete(id));
  return (
    <>
      <ConfirmButton label="Delete" question={`Delete subscription ${id}? No more events are sent to it.`} onConfirm={() => del.run()} />
      <ErrorAlert error={del.error} />
    </>
  );
}

function Redeliver({ eventId, subscriptionId }: { eventId: string; subscriptionId?: string }) {
  const { api } = useSession();
  const r = useAction(() => api.events.redeliver(eventId, subscriptionId ? { subscription_id: subscriptionId } : {}));
  return (
    <>
      <button type="button" onClick={() => r.run()} disabled={r.pending} aria-label={`Redeliver event ${eventId}`}>
        Redeliver
      </button>
      <ErrorAlert error={r.error} />
      {r.result ? <Done>Queued {r.result.deliveries} delivery(ies).</Done> : null}
    </>
  );
}

function Events() {
  const { api } = useSession();
  const [type, setType] = useState('');
  return (
    <section aria-labelledby="events-h">
      <h2 id="events-h">Events</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter events">
        <Filter label="Event type" value={type} options={EVENT_TYPES} onChange={setType} />
      </form>
      <PagedTable
        caption="Events, newest first"
        queryKey={['events', api.actingFor ?? '', type]}
        fetchPage={(cursor) => api.events.list({ event_type: type, cursor })}
        rowKey={(e: any) => e.id}
        columns={[
          { header: 'When', cell: (e: any) => when(e.event_date) },
          { header: 'Type', cell: (e: any) => e.event_type },
          { header: 'Resource', cell: (e: any) => `${e.resource_type} ${e.resource_id}` },
          { header: 'ID', cell: (e: any) => e.id },
          { header: 'Actions', cell: (e: any) => <Redeliver eventId={e.id} /> },
        ]}
      />
    </section>
  );
}

function Deliveries({ subscriptionId }: { subscriptionId: string }) {
  const { api } = useSession();
  const key = api.actingFor ?? '';
  const sub = useQuery({ queryKey: ['subscription', key, subscriptionId], queryFn: () => api.subscriptions.retrieve(subscriptionId) });
  const [status, setStatus] = useState('');
  return (
    <>
      <Title>Deliveries of {sub.data?.event_type ?? subscriptionId}</Title>
      <p>
        <Link to="/webhooks">All subscriptions</Link>
      </p>
      <ErrorAlert error={sub.error} />
      {sub.data ? (
        <p>
          To <code>{sub.data.callback_url}</code>
        </p>
      ) : null}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter deliveries">
        <Filter label="Status" value={status} options={['PENDING', 'DELIVERED', 'FAILED', 'CANCELLED']} onChange={setStatus} />
      </form>
      <PagedTable
        caption="Deliveries, newest first"
        queryKey={['deliveries', key, subscriptionId, status]}
        fetchPage={(cursor) => api.subscriptions.deliveries(subscriptionId, { status, cursor })}
        rowKey={(d: any) => d.id}
        columns={[
          { header: 'Created', cell: (d: any) => when(d.created_at) },
          { header: 'Event', cell: (d: any) => `${d.event_type} ${d.event_id}` },
          { header: 'Status', cell: (d: any) => <Status value={d.status} /> },
          { header: 'Attempts', numeric: true, cell: (d: any) => d.attempt_count },
          { header: 'Last answer', cell: (d: any) => d.last_status_code ?? d.last_error ?? '—' },
          { header: 'Next attempt', cell: (d: any) => when(d.next_attempt_at) },
          { header: 'Actions', cell: (d: any) => <Redeliver eventId={d.event_id} subscriptionId={subscriptionId} /> },
        ]}
      />
    </>
  );
}
