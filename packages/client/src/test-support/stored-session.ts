import { parseStoredValue, serializeSession, type StoredSession } from '../session/session';
import type { SessionStorage } from '../storage/session-storage';

/** The session a storage holds, tokens included, as a test may read it. */
export async function readStoredSession(storage: SessionStorage): Promise<StoredSession | null> {
  const parsed = parseStoredValue((await storage.read()).value);
  return parsed === 'invalid' ? null : parsed.session;
}

/** Writes a session into a storage over whatever is there, as another holder would. */
export async function writeStoredSession(storage: SessionStorage, session: StoredSession | null): Promise<void> {
  const { version } = await storage.read();
  const written = await storage.write(serializeSession(session, session ? 'refresh' : 'logout'), version);
  if (written === null) throw new Error('the storage changed while the test wrote to it');
}
