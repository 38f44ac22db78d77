import { useContext } from 'react';
import { SessionContext, type SessionContextValue } from './session-context';

/** The provider's value, or a plain error when a hook is used outside it. */
export function useSessionContext(hook: string): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error(`@bettermode-kit/react: ${hook}() must be used inside <BettermodeProvider>`);
  return value;
}
