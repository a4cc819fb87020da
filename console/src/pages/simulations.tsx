import { type FormEvent, type ReactNode, useId, useState } from 'react';
import { useSession } from '../session';
import { Amount, ConfirmButton, Done, ErrorAlert, Link, TextField, Title, useAction } from '../ui';
import { useAccountAsset } from './cards';

const RAILS = ['ACH', 'FEDWIRE', 'SWIFT', 'SEPA_CT', 'FPS', 'CHAPS', 'IMPS', 'SPEI', 'UAEFTS', 'EFT', 'CRYPTO'];

function Select({ label, value, options, onChange }: { label: string; value: string; options: string[]; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>{' '}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </span>
  );
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** Sandbox only: what Layer2's console simulates, through the simulation routes (CONTRACT §10). */
export default function Simulations() {
  const { acting, operator } = useSession();
  return (
    <>
      <Title>Simulations</Title>
      <p>Sandbox only. {operator ? (acting ? `Acting for client ${acting}.` : 'Choose a client first.') : null}</p>
      <DepositPanel />
      <ClockPanel />
      <CardPanel />
      <DecisionPanel />
    </>
  );
}

function DepositPanel() {
  const { api } = useSession();
  const [rail, setRail] = useState('ACH');
  const [asset, setAsset] = useState('FIAT_TESTNET_USD');
  const [amount, setAmount] = useState('');
  const [memo, setMemo] = useState('');
  const [address, setAddress] = useState('');
  const run = useAction(() =>
    api.simulations.deposits.create({
      rail,
      asset_type_id: asset.trim(),
      amount: amount.trim(), // sent as the exact text typed
      ...(memo.trim() && { memo: memo.trim() }),
      ...(address.trim() && { wallet_address: address.trim() }),
    }),
  );
  return (
    <Panel title="Incoming deposit">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          run.run();
        }}
      >
        <Select label="Rail" value={rail} options={RAILS} onChange={setRail} />{' '}
        <TextField label="Asset" value={asset} onChange={setAsset} required />{' '}
        <TextField label="Amount" value={amount} onChange={setAmount} required /> <TextField label="Memo" value={memo} onChange={setMemo} />{' '}
        <TextField label="Wallet address" value={address} onChange={setAddress} />{' '}
        <button type="submit" disabled={run.pending}>
          Simulate deposit
        </button>
      </form>
      <ErrorAlert error={run.error} />
      {run.result ? (
        <Done>
          {run.result.matched ? `Matched: credited account ${run.result.account_id}.` : 'Not matched: the funds went to suspense.'} (
          {String(run.result.id)})
        </Done>
      ) : null}
    </Panel>
  );
}

function ClockPanel() {
  const { api } = useSession();
  const [seconds, setSeconds] = useState('3600');
  const run = useAction(() => api.simulations.clock.advance(Number(seconds)));
  return (
    <Panel title="Sandbox clock">
      <p>
        <TextField label="Advance by (seconds)" type="number" value={seconds} onChange={setSeconds} />{' '}
        <ConfirmButton
          label="Move clock"
          question={`Move this client's sandbox clock ${seconds} seconds forward? It cannot be moved back.`}
          onConfirm={() => run.run()}
        />
      </p>
      <ErrorAlert error={run.error} />
      {run.result ? <Done>Sandbox time is now {run.result.now}.</Done> : null}
    </Panel>
  );
}

function CardPanel() {
  const { api } = useSession();
  const [card, setCard] = useState('');
  const [amount, setAmount] = useState('');
  const [merchant, setMerchant] = useState('Sandbox Coffee');
  const [mcc, setMcc] = useState('5814');
  const [country, setCountry] = useState('US');
  const run = useAction(() =>
    api.simulations.cards.authorize(card.trim(), {
      amount: amount.trim(), // sent as the exact text typed
      merchant: { name: merchant.trim(), mcc: mcc.trim(), country: country.trim().toUpperCase() },
    }),
  );
  const result: any = run.done ? run.result : undefined;
  const asset = useAccountAsset(result?.account_id);
  return (
    <Panel title="Card authorization">
      <form
        aria-label="Simulate card authorization"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          run.run();
        }}
      >
        <TextField label="Card ID" value={card} onChange={setCard} required />{' '}
        <TextField label="Authorization amount" value={amount} onChange={setAmount} required />{' '}
        <TextField label="Merchant name" value={merchant} onChange={setMerchant} required />{' '}
        <TextField label="MCC" value={mcc} onChange={setMcc} required />{' '}
        <TextField label="Merchant country" value={country} onChange={setCountry} required />{' '}
        <button type="submit" disabled={run.pending}>
          Simulate card authorization
        </button>
      </form>
      <ErrorAlert error={run.error} />
      {result ? (
        <Done>
          {result.status === 'DECLINED' ? 'Declined' : 'Approved'}: authorization {result.id} is{' '}
          <strong data-testid="authorization-status">{result.status}</strong>
          {result.decline_reason ? (
            <>
              {' '}
              (reason: <strong data-testid="decline-reason">{result.decline_reason}</strong>)
            </>
          ) : null}
          , {asset ? <Amount value={result.amount} asset={asset} /> : result.amount} at {result.merchant?.name}.{' '}
          <Link to={`/cards/${encodeURIComponent(result.card_id)}`}>See the card</Link>
        </Done>
      ) : null}
    </Panel>
  );
}

function DecisionPanel() {
  const { api } = useSession();
  const [id, setId] = useState('');
  const [decision, setDecision] = useState('APPROVED');
  const [reason, setReason] = useState('');
  const [fields, setFields] = useState('');
  const run = useAction(() =>
    api.simulations.applications.decision(id.trim(), {
      decision,
      ...(reason.trim() && { reason: reason.trim() }),
      ...(decision === 'CHANGES_REQUESTED' && {
        fields: fields
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean),
      }),
    }),
  );
  return (
    <Panel title="Application decision">
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          // A rejection is final: Enter in a field does not make it, only "Decide" then "Confirm".
          if (decision !== 'REJECTED') run.run();
        }}
      >
        <TextField label="Application ID" value={id} onChange={setId} required />{' '}
        <Select label="Decision" value={decision} options={['APPROVED', 'REJECTED', 'CHANGES_REQUESTED']} onChange={setDecision} />{' '}
        <TextField label="Decision reason" value={reason} onChange={setReason} />{' '}
        <TextField label="Fields to change" value={fields} onChange={setFields} />{' '}
        {decision === 'REJECTED' ? (
          <ConfirmButton
            label="Decide"
            disabled={run.pending || !id.trim()}
            question={`Reject application ${id.trim()}? A rejected application cannot be reopened.`}
            onConfirm={() => run.run()}
          />
        ) : (
          <button type="submit" disabled={run.pending}>
            Decide
          </button>
        )}
      </form>
      <ErrorAlert error={run.error} />
      {run.result ? <Done>Application is now {run.result.status}.</Done> : null}
    </Panel>
  );
}
