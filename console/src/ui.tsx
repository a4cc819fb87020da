/** The console's building blocks: links, paged tables, actions with their errors, confirmations, amounts. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { LedgerlineError, type Page } from './api';
import { type AssetInfo, assetInfo, formatAmount } from './money';
import { useSession } from './session';

// ---- routing: the path under /console, kept in the history API ---------------------------------

export const BASE = '/console';
const subscribe = (cb: () => void) => {
  window.addEventListener('popstate', cb);
  return () => window.removeEventListener('popstate', cb);
};
const currentPath = () => {
  const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return p === '' ? '/' : p;
};
export function usePath(): string {
  return useSyncExternalStore(subscribe, currentPath);
}
export function navigate(to: string): void {
  window.history.pushState(null, '', BASE + to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode; 'aria-current'?: 'page'; 'aria-label'?: string }) {
  return (
    <a
      href={BASE + to}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

// ---- errors -----------------------------------------------------------------------------------

/** An API refusal as the API wrote it: each entry's code, description and field. */
export function ErrorAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const entries =
    error instanceof LedgerlineError
      ? error.errors
      : [{ code: 'ERROR', description: String((error as Error)?.message ?? error), field: undefined }];
  return (
    <div role="alert" className="alert">
      {entries.map((e) => (
        <p key={`${e.code}:${e.field ?? ''}:${e.description}`}>
          <strong>{e.code}</strong>: {e.description}
          {e.field ? <span className="field"> (field {e.field})</span> : null}
        </p>
      ))}
      {error instanceof LedgerlineError && error.requestId ? <p className="muted">Request {error.requestId}</p> : null}
    </div>
  );
}

// ---- actions ----------------------------------------------------------------------------------

/** Runs an API call from a button; refreshes every list afterwards; keeps the last error and result. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>, onDone?: (r: R) => void) {
  const queryClient = useQueryClient();
  const m = useMutation({
    mutationFn: (args: A) => fn(...args),
    onSuccess: async (r) => {
      onDone?.(r);
      await queryClient.invalidateQueries();
    },
  });
  return { run: (...args: A) => m.mutate(args), pending: m.isPending, error: m.error, result: m.data, reset: m.reset, done: m.isSuccess };
}

/**
 * A destructive move: the first press asks, "Confirm" does it, "Keep it" (or Escape) does not.
 * The question is an alertdialog so a screen reader announces it; focus moves to "Confirm", and
 * back to the button that asked once the question is dismissed.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  disabled,
  ariaLabel,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  ariaLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const id = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      triggerRef.current?.focus();
    }
  }, [asking]);
  const dismiss = () => {
    returnFocus.current = true;
    setAsking(false);
  };
  if (!asking)
    return (
      <button type="button" ref={triggerRef} className="danger" disabled={disabled} aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span
      role="alertdialog"
      aria-labelledby={id}
      className="confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          dismiss();
        }
      }}
    >
      <span id={id}>{question}</span>{' '}
      <button
        type="button"
        ref={confirmRef}
        className="danger"
        onClick={() => {
          returnFocus.current = true;
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm
      </button>{' '}
      <button type="button" onClick={dismiss}>
        Keep it
      </button>
    </span>
  );
}

/** A polite status line for what an action did. */
export function Done({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="done">
      {children}
    </p>
  );
}

// ---- amounts ----------------------------------------------------------------------------------

export function useAssets(): ReadonlyMap<string, AssetInfo> | undefined {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['assets', api.actingFor ?? ''],
    queryFn: async () => new Map((await api.assets.list()).assets.map((a: AssetInfo) => [a.asset_type_id, a] as const)),
    staleTime: 300_000,
  });
  return q.data;
}

export function Amount({ value, asset }: { value: string | number | null | undefined; asset: string }) {
  const catalogue = useAssets();
  return <span className="amount">{formatAmount(value, assetInfo(asset, catalogue))}</span>;
}

// ---- lists ------------------------------------------------------------------------------------

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

/**
 * One list of the API, a page at a time (cursor style): "Previous" and "Next" walk the cursors the
 * API hands out; filters are part of the query key, so changing one starts again at the first page.
 */
export function PagedTable<T>({
  caption,
  queryKey,
  fetchPage,
  columns,
  rowKey,
  empty = 'Nothing here yet.',
}: {
  caption: string;
  queryKey: unknown[];
  fetchPage: (cursor: string | undefined) => PromiseLike<Page<T>>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty?: string;
}) {
  // The cursors walked so far belong to one query key: a new filter starts again at the first
  // page in the same render, so no request ever pairs the new filter with an old cursor.
  const keyText = JSON.stringify(queryKey);
  const [walk, setWalk] = useState<{ key: string; cursors: (string | undefined)[] }>({ key: keyText, cursors: [undefined] });
  const cursors = walk.key === keyText ? walk.cursors : [undefined];
  const setCursors = (f: (c: (string | undefined)[]) => (string | undefined)[]) => setWalk({ key: keyText, cursors: f(cursors) });
  const cursor = cursors[cursors.length - 1];
  const q = useQuery({
    queryKey: [...queryKey, 'page', cursor ?? ''],
    queryFn: () => Promise.resolve(fetchPage(cursor)),
    placeholderData: (prev) => prev,
  });
  return (
    <div className="list">
      <ErrorAlert error={q.error} />
      <table aria-busy={q.isFetching}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.header} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {q.data?.data.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} className={c.numeric ? 'num' : undefined}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
          {q.data && !q.data.data.length ? (
            <tr>
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : null}
          {q.isPending ? (
            <tr>
              <td colSpan={columns.length}>Loading…</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <nav className="pager" aria-label={`${caption} pages`}>
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>{' '}
        <span>Page {cursors.length}</span>{' '}
        <button
          type="button"
          disabled={!q.data?.hasMore || !q.data.nextCursor}
          onClick={() => q.data?.nextCursor && setCursors((c) => [...c, q.data!.nextCursor!])}
        >
          Next
        </button>
      </nav>
    </div>
  );
}

/** A labelled select for a list filter; "" means no filter. */
export function Filter({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <span className="filter">
      <label htmlFor={id}>{label}</label>{' '}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A labelled text input. */
export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  required,
  autoComplete,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  autoComplete?: string;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>{' '}
      <input id={id} type={type} value={value} required={required} autoComplete={autoComplete} onChange={(e) => onChange(e.target.value)} />
    </span>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : '—');

/** Opens a Blob (a PDF, a document) in a new tab; the URL is freed a minute later. */
export function openBlob(blob: Blob): void {
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Status({ value }: { value: string | null | undefined }) {
  return <span className={`status status-${String(value ?? '').toLowerCase()}`}>{value ?? '—'}</span>;
}

/** The address whose heading last took focus: a page takes it once, on arriving there. */
let focusedFor: string | null = null;
/** Sign-out: the next page after signing in again takes focus, whatever its address. */
export function forgetFocusedPage(): void {
  focusedFor = null;
}

/**
 * The page's heading. On the first mount at a new address it takes focus (from its own effect,
 * so a page loaded lazily takes it once it is on screen, not the "Loading…" shown before), and a
 * keyboard or screen reader user starts reading there.
 */
export function Title({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const here = window.location.pathname;
    if (focusedFor === here) return;
    focusedFor = here;
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}
