import type { LoginCredentials, Session } from '@bettermode-kit/client';
import { useCallback, useState } from 'react';
import { useSessionContext } from './use-session-context';

/** What {@link useLogin} returns. */
export interface LoginState {
  /** Logs the member in; rejects with the client's typed errors (`InvalidCredentialsError`, `RateLimitedError`, …). */
  login(credentials: LoginCredentials): Promise<Session>;
  /** True while a login runs. */
  pending: boolean;
  /** The last login's failure, cleared by the next attempt. */
  error: Error | null;
}

/** Logs a member in, in either kind of session; the tree rerenders with the member. */
export function useLogin(): LoginState {
  const context = useSessionContext('useLogin');
  const [state, setState] = useState<{ pending: boolean; error: Error | null }>({ pending: false, error: null });
  const login = useCallback(
    async (credentials: LoginCredentials) => {
      setState({ pending: true, error: null });
      try {
        const session = await context.login(credentials);
        setState({ pending: false, error: null });
        return session;
      } catch (error) {
        setState({ pending: false, error: error instanceof Error ? error : new Error(String(error)) });
        throw error;
      }
    },
    [context],
  );
  return { login, ...state };
}
