/**
 * Who is signed in, in memory only: the API client (which holds the token), whether it is the
 * operator, and which client the operator acts for. A reload forgets it all: sign in again.
 */
import { createContext, type ReactNode, useContext } from 'react';
import type { ConsoleApi } from './api';

export interface SessionValue {
  /** The signed-in client's own API (operator routes; a client's everything). */
  own: ConsoleApi;
  /** The API for tenant routes: the operator acting for the chosen client, or the client itself. */
  api: ConsoleApi;
  operator: boolean;
  /** The client the operator acts for; "" = the operator's own data. */
  acting: string;
  setActing: (clientId: string) => void;
  sandbox: boolean;
  signOut: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ value, children }: { value: SessionValue; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}
