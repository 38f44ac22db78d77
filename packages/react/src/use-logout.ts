import { useCallback, useState } from 'react';
import { useSessionContext } from './use-session-context';

/** What {@link useLogout} returns. */
export interface LogoutState {
  /** Ends the member session on Bettermode; the tree rerenders as a guest's. */
  logout(): Promise<void>;
  pending: boolean;
  error: Error | null;
}

/** Logs the member out, in either kind of session. */
export function useLogout(): LogoutState {
  const context = useSessionContext('useLogout');
  const [state, setState] = useState<{ pending: boolean; error: Error | null }>({ pending: false, error: null });
  const logout = useCallback(async () => {
    setState({ pending: true, error: null });
    try {
      await context.logout();
      setState({ pending: false, error: null });
    } catch (error) {
      setState({ pending: false, error: error instanceof Error ? error : new Error(String(error)) });
      throw error;
    }
  }, [context]);
  return { logout, ...state };
}
