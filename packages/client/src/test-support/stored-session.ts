import { parseStoredValue, serializeSession, type StoredSession } from '../session/session';
import type { SessionStorage } from '../storage/session-storage';

/** The session a storage holds, tokens included, as a test may read it. */
export async function readStoredSession(storage: SessionStorage): Promise<StoredSession | null> {
  const parsed = parseStoredValue((await storage.read()).value);
  return parsed === 'invalid' ? null : parsed.session;
}

/** Writes a session into a storage over whatever is there, as another holder of its community would. */
export async function writeStoredSession(storage: SessionStorage, session: StoredSession | null): Promise<void> {
  const { value, version } = await storage.read();
  const parsed = parseStoredValue(value);
  const community = parsed === 'invalid' ? null : parsed.community;
  if (community === null) throw new Error('writeStoredSession writes over a stored session of a community');
  const written = await storage.write(serializeSession(session, session ? 'refresh' : 'logout', community), version);
  if (written === null) throw new Error('the storage changed while the test wrote to it');
}
