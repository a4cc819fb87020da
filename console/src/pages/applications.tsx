import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../session';
import { ConfirmButton, Done, ErrorAlert, Filter, Link, openBlob, PagedTable, Status, TextField, Title, useAction, when } from '../ui';

const STATUSES = ['INCOMPLETE', 'READY_FOR_SUBMISSION', 'SUBMITTED', 'PROCESSING', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED'];

export const applicantName = (a: any) => {
  const d = a.customer_details ?? {};
  return d.registered_name ?? ([d.first_name, d.last_name].filter(Boolean).join(' ') || '—');
};

export default function Applications({ id }: { id?: string }) {
  return id ? <ApplicationDetail id={id} /> : <ApplicationList />;
}

function ApplicationList() {
  const { api } = useSession();
  // The queue: submitted applications waiting for a decision first.
  const [status, setStatus] = useState('PROCESSING');
  const [type, setType] = useState('');
  return (
    <>
      <Title>Applications</Title>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter applications">
        <Filter label="Status" value={status} options={STATUSES} onChange={setStatus} />
        <Filter label="Type" value={type} options={['INDIVIDUAL', 'CORPORATION']} onChange={setType} />
      </form>
      <PagedTable
        caption={status === 'PROCESSING' ? 'Applications waiting for review' : 'Applications'}
        queryKey={['applications', api.actingFor ?? '', status, type]}
        fetchPage={(cursor) => api.applications.list({ status, application_type: type, cursor })}
        rowKey={(a: any) => a.id}
        columns={[
          { header: 'Applicant', cell: (a: any) => <Link to={`/applications/${encodeURIComponent(a.id)}`}>{applicantName(a)}</Link> },
          { header: 'Type', cell: (a: any) => a.application_type },
          { header: 'Status', cell: (a: any) => <Status value={a.status} /> },
          { header: 'Customer ID', cell: (a: any) => a.customer_id },
          { header: 'Account to open', cell: (a: any) => `${a.account_to_open.account_id} (${a.account_to_open.asset_type_id})` },
          { header: 'Created', cell: (a: any) => when(a.created_at) },
        ]}
      />
    </>
  );
}

interface Doc {
  id: string;
  status: string;
  document: string;
  owner: string;
}

function ApplicationDetail({ id }: { id: string }) {
  const { api, operator } = useSession();
  const key = api.actingFor ?? '';
  const app = useQuery({ queryKey: ['application', key, id], queryFn: () => api.applications.retrieve(id) });
  const status = useQuery({ queryKey: ['application-status', key, id], queryFn: () => api.applications.status(id) });
  const docs: Doc[] = status.data
    ? [
        ...status.data.application_document_errors.map((d: any) => ({ ...d, owner: 'Applicant' })),
        ...status.data.individual_errors.flatMap((i: any) =>
          i.individual_document_errors.map((d: any) => ({ ...d, owner: `Individual ${i.id}` })),
        ),
      ]
    : [];
  const a = app.data;
  return (
    <>
      <Title>Application {a ? applicantName(a) : id}</Title>
      <p>
        <Link to="/applications">All applications</Link>
      </p>
      <ErrorAlert error={app.error} />
      {a ? (
        <dl className="facts">
          <dt>ID</dt>
          <dd>{a.id}</dd>
          <dt>Status</dt>
          <dd>
            <Status value={a.status} />
          </dd>
          <dt>Type</dt>
          <dd>{a.application_type}</dd>
          <dt>Customer ID</dt>
          <dd>
            {a.status === 'APPROVED' ? <Link to={`/customers/${encodeURIComponent(a.customer_id)}`}>{a.customer_id}</Link> : a.customer_id}
          </dd>
          <dt>Account to open</dt>
          <dd>
            {a.account_to_open.account_id} — {a.account_to_open.product_id}, {a.account_to_open.asset_type_id}
          </dd>
          <dt>Terms accepted / information attested</dt>
          <dd>
            {a.terms_and_conditions_accepted ? 'yes' : 'no'} / {a.information_attested ? 'yes' : 'no'}
          </dd>
          {Object.entries(a.customer_details ?? {})
            .filter(([, v]) => typeof v !== 'object')
            .map(([k, v]) => (
              <FactRow key={k} name={k} value={String(v)} />
            ))}
        </dl>
      ) : null}
      <section aria-labelledby="docs-h">
        <h2 id="docs-h">Documents</h2>
        <ErrorAlert error={status.error} />
        <table>
          <caption>Required documents</caption>
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Of</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {docs.map((d) => (
              <DocumentRow key={d.id} doc={d} operator={operator} />
            ))}
            {status.data && !docs.length ? (
              <tr>
                <td colSpan={4}>No documents required.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </section>
      {operator && a ? <Decision id={id} docs={docs} /> : null}
    </>
  );
}

function FactRow({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name.replaceAll('_', ' ')}</dt>
      <dd>{value}</dd>
    </>
  );
}

function DocumentRow({ doc, operator }: { doc: Doc; operator: boolean }) {
  const { api } = useSession();
  const open = useAction(() => api.documents.download(doc.id), openBlob);
  const review = useAction((decision: string) =>
    api.admin.documents.review(doc.id, { decision, reason: `Reviewed in the console: ${decision}` }),
  );
  const label = `${doc.document.replaceAll('_', ' ').toLowerCase()} (${doc.id})`;
  return (
    <tr>
      <td>{doc.document}</td>
      <td>{doc.owner}</td>
      <td>
        <Status value={doc.status} />
      </td>
      <td>
        <fieldset className="inline" aria-label={`Document ${label}`}>
          <button type="button" onClick={() => open.run()} disabled={doc.status === 'MISSING'}>
            Open
          </button>{' '}
          {operator ? (
            <>
              <button type="button" onClick={() => review.run('APPROVED')} aria-label={`Approve document ${label}`}>
                Approve
              </button>{' '}
              <ConfirmButton label="Reject" question={`Reject the ${label}?`} onConfirm={() => review.run('REJECTED')} />
            </>
          ) : null}
        </fieldset>
        <ErrorAlert error={open.error ?? review.error} />
      </td>
    </tr>
  );
}

function Decision({ id, docs }: { id: string; docs: Doc[] }) {
  const { api } = useSession();
  const [reason, setReason] = useState('');
  const [fields, setFields] = useState('');
  const [docIds, setDocIds] = useState<string[]>([]);
  const decide = useAction((decision: string) =>
    api.admin.applications.decision(id, {
      decision,
      reason: reason.trim() || `Decided in the console: ${decision}`,
      ...(decision === 'CHANGES_REQUESTED' && {
        fields: fields
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
        documents: docIds,
      }),
    }),
  );
  return (
    <section aria-labelledby="decision-h" className="decision">
      <h2 id="decision-h">Decision</h2>
      <p>
        <TextField label="Reason" value={reason} onChange={setReason} />
      </p>
      <p>
        <TextField label="Fields to change (comma separated, e.g. customer_details.last_name)" value={fields} onChange={setFields} />
      </p>
      {docs.length ? (
        <fieldset>
          <legend>Documents to upload again</legend>
          {docs.map((d) => (
            <label key={d.id} className="check">
              <input
                type="checkbox"
                checked={docIds.includes(d.id)}
                onChange={(e) => setDocIds((ids) => (e.target.checked ? [...ids, d.id] : ids.filter((x) => x !== d.id)))}
              />{' '}
              {d.document} ({d.owner})
            </label>
          ))}
        </fieldset>
      ) : null}
      <p className="actions">
        <button type="button" onClick={() => decide.run('APPROVED')} disabled={decide.pending}>
          Approve
        </button>{' '}
        <ConfirmButton
          label="Reject"
          question="Reject this application? The customer is not created."
          onConfirm={() => decide.run('REJECTED')}
        />{' '}
        <button type="button" onClick={() => decide.run('CHANGES_REQUESTED')} disabled={decide.pending}>
          Request changes
        </button>
      </p>
      <ErrorAlert error={decide.error} />
      {decide.result ? <Done>Application is now {decide.result.status}.</Done> : null}
    </section>
  );
}
