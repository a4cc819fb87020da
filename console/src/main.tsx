import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, lazy, type ReactNode, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleApi, LedgerlineError } from './api';
import { SessionProvider, type SessionValue, useSession } from './session';
import './style.css';
import { Overview } from './pages/overview';
import { ErrorAlert, forgetFocusedPage, Link, navigate, Title, usePath } from './ui';

// Pages past the first are loaded when first opened: the first load fetches only what sign-in and
// the overview need.
const Applications = lazy(() => import('./pages/applications'));
const Customers = lazy(() => import('./pages/customers'));
const Accounts = lazy(() => import('./pages/accounts'));
const Movements = lazy(() => import('./pages/movements'));
const Counterparties = lazy(() => import('./pages/counterparties'));
const Cards = lazy(() => import('./pages/cards'));
const Webhooks = lazy(() => import('./pages/webhooks'));
const Suspense_ = lazy(() => import('./pages/suspense'));
const Clients = lazy(() => import('./pages/clients'));
const Ledger = lazy(() => import('./pages/ledger'));
const Simulations = lazy(() => import('./pages/simulations'));

interface NavItem {
  to: string;
  label: string;
  operatorOnly?: boolean;
  sandboxOnly?: boolean;
  /** A page of one client's data: the operator must choose the client first. */
  platform?: boolean;
}
const NAV: NavItem[] = [
  { to: '/', label: 'Overview', platform: true },
  { to: '/applications', label: 'Applications' },
  { to: '/customers', label: 'Customers' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/transfers', label: 'Transfers' },
  { to: '/deposits', label: 'Deposits' },
  { to: '/withdrawals', label: 'Withdrawals' },
  { to: '/exchanges', label: 'Exchanges' },
  { to: '/counterparties', label: 'Counterparties' },
  { to: '/cards', label: 'Cards' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/suspense', label: 'Suspense', operatorOnly: true, platform: true },
  { to: '/clients', label: 'Clients', operatorOnly: true, platform: true },
  { to: '/ledger', label: 'Ledger', operatorOnly: true, platform: true },
  { to: '/simulations', label: 'Simulations', sandboxOnly: true },
];

function route(path: string, operator: boolean, acting: string, sandbox: boolean): ReactNode {
  const [, first = '', second] = path.split('/').map(decodeURIComponent);
  const item = NAV.find((n) => n.to === `/${first}`) ?? (first === '' ? NAV[0] : undefined);
  if (!item || (item.operatorOnly && !operator) || (item.sandboxOnly && !sandbox)) return <NotFound />;
  // The API refuses the operator's tenant calls without x-l2f-client-id: ask for the client first.
  if (operator && !acting && !item.platform) return <ChooseClient title={item.label} />;
  switch (first) {
    case '':
      return <Overview />;
    case 'applications':
      return <Applications id={second} />;
    case 'customers':
      return <Customers id={second} />;
    case 'accounts':
      return <Accounts id={second} />;
    case 'transfers':
    case 'deposits':
    case 'withdrawals':
    case 'exchanges':
      return <Movements kind={first} />;
    case 'counterparties':
      return <Counterparties id={second} />;
    case 'cards':
      return <Cards id={second} />;
    case 'webhooks':
      return <Webhooks id={second} />;
    case 'suspense':
      return <Suspense_ />;
    case 'clients':
      return <Clients />;
    case 'ledger':
      return <Ledger />;
    case 'simulations':
      return <Simulations />;
    default:
      return <NotFound />;
  }
}

function ChooseClient({ title }: { title: string }) {
  return (
    <>
      <Title>{title}</Title>
      <p className="notice">Choose the client to work on in "Acting for client" (at the top of the page).</p>
    </>
  );
}

function NotFound() {
  return (
    <>
      <Title>Not found</Title>
      <p>
        This page does not exist here. <Link to="/">Back to the overview</Link>.
      </p>
    </>
  );
}

/** The operator's client switcher: every client, and the choice shown on every page. */
function ClientSwitcher() {
  const { own, acting, setActing } = useSession();
  const id = useId();
  const q = useQuery({ queryKey: ['admin', 'clients', 'switcher'], queryFn: () => own.admin.clients.list() });
  return (
    <span className="switcher">
      <label htmlFor={id}>Acting for client</label>{' '}
      <select id={id} value={acting} onChange={(e) => setActing(e.target.value)}>
        <option value="">Choose a client…</option>
        {q.data?.map((c: any) => (
          <option key={c.client_id} value={c.client_id}>
            {c.name} ({c.client_id})
          </option>
        ))}
      </select>
      {q.error ? <ErrorAlert error={q.error} /> : null}
    </span>
  );
}

function Shell() {
  const session = useSession();
  const path = usePath();
  // A new page's heading takes focus from its own mount (Title), once the page is on screen.
  const current = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Ledgerline console</span>
        <span className="who">
          Signed in as <strong>{session.own.clientId}</strong> ({session.operator ? 'operator' : 'client'})
        </span>
        {session.operator ? <ClientSwitcher /> : null}
        <button type="button" onClick={session.signOut}>
          Sign out
        </button>
      </header>
      <div className="frame">
        <nav aria-label="Pages" className="side">
          <ul>
            {NAV.filter((n) => (!n.operatorOnly || session.operator) && (!n.sandboxOnly || session.sandbox)).map((n) => (
              <li key={n.to}>
                <Link to={n.to} {...(current === n.to ? { 'aria-current': 'page' as const } : {})}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {/* tabIndex -1: "Skip to content" moves focus here, not only the scroll position. */}
        <main id="main" tabIndex={-1}>
          {session.operator ? (
            <p className="acting" data-testid="acting">
              {session.acting ? (
                <>
                  Acting for client <strong>{session.acting}</strong>
                </>
              ) : (
                <>No client chosen: choose one in "Acting for client"</>
              )}
            </p>
          ) : null}
          <Suspense fallback={<p>Loading…</p>}>
            {/* Keyed by the address: every page (another kind, another id) mounts afresh. */}
            <Fragment key={path}>{route(path, session.operator, session.acting, session.sandbox)}</Fragment>
          </Suspense>
        </main>
      </div>
    </>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (s: { api: ConsoleApi; operator: boolean; sandbox: boolean }) => void }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idId = useId();
  const secretId = useId();
  // When the form is on screen: the first-load figure npm run bench:console reports (performance.getEntriesByName).
  useEffect(() => {
    if (!performance.getEntriesByName('ledgerline:sign-in-ready').length) performance.mark('ledgerline:sign-in-ready');
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { api, token } = await ConsoleApi.signIn(window.location.origin, clientId.trim(), secret);
      // Sandbox mode: the simulation routes exist (an empty body is refused by validation, and
      // nothing runs); in production they answer 404 NOT_FOUND for the route.
      const sandbox = await api
        .request('POST', '/v1/simulations/clock', { body: {} })
        .then(() => true)
        .catch((err) => !(err instanceof LedgerlineError && err.status === 404));
      setSecret('');
      onSignedIn({ api, operator: token.scope.includes('admin'), sandbox });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main">
      <h1>Ledgerline console</h1>
      <p>Sign in with a client's credentials. The operator sees every client; a client sees only its own data.</p>
      <form onSubmit={submit} aria-describedby="signin-note">
        <p>
          <label htmlFor={idId}>Client ID</label>
          <input
            id={idId}
            name="client_id"
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            required
            autoComplete="username"
          />
        </p>
        <p>
          <label htmlFor={secretId}>Client secret</label>
          <input
            id={secretId}
            name="client_secret"
            type="password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            required
            autoComplete="current-password"
          />
        </p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p id="signin-note" className="muted">
          The access token is kept in this tab's memory only: closing or reloading the tab signs you out.
        </p>
      </form>
      <ErrorAlert error={error} />
    </main>
  );
}

function App() {
  const [signed, setSigned] = useState<{ api: ConsoleApi; operator: boolean; sandbox: boolean } | null>(null);
  const [acting, setActing] = useState('');
  const queryClient = useMemo(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } } }),
    [],
  );
  const value = useMemo<SessionValue | null>(() => {
    if (!signed) return null;
    return {
      own: signed.api,
      api: signed.operator ? signed.api.as(acting || undefined) : signed.api,
      operator: signed.operator,
      acting: signed.operator ? acting : '',
      setActing,
      sandbox: signed.sandbox,
      signOut: () => {
        signed.api.forget();
        queryClient.clear();
        forgetFocusedPage();
        setActing('');
        setSigned(null);
        navigate('/');
      },
    };
  }, [signed, acting, queryClient]);
  return (
    <QueryClientProvider client={queryClient}>
      {value ? (
        <SessionProvider value={value}>
          <Shell />
        </SessionProvider>
      ) : (
        <SignIn onSignedIn={setSigned} />
      )}
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
