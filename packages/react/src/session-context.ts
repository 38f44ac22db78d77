import type { LoginCredentials, Session } from '@bettermode-kit/client';
import { createContext } from 'react';

/** What the provider shares with the hooks. */
export interface SessionContextValue {
  /** undefined until known (a browser-held session is read from storage first). */
  readonly session: Session | null | undefined;
  login(credentials: LoginCredentials): Promise<Session>;
  logout(): Promise<void>;
}

/** null outside a `<BettermodeProvider>`: the hooks say so plainly. */
export const SessionContext = createContext<SessionContextValue | null>(null);
