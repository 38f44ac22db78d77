import type { Session } from '@bettermode-kit/client';
import { useSessionContext } from './use-session-context';

/**
 * The session (never its tokens): a member's, a guest's, null for none, or undefined while a
 * browser-held session is still being read. Kept current by every change, in this tab or another.
 */
export function useSession(): Session | null | undefined {
  return useSessionContext('useSession').session;
}
