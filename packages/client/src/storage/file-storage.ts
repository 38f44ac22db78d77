import { randomBytes } from 'node:crypto';
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { lock as lockFile } from 'proper-lockfile';
import { LeaseMutex } from '@bettermode-kit/internal';
import type { SessionLease, SessionStorage, StoredEntry } from './session-storage';
import { packageName } from '../errors/package-name';

/** Options of {@link fileStorage}. */
export interface FileStorageOptions {
  /**
   * How long a refresh lease lasts: a holder that dies (or hangs) holding it blocks the others at
   * most this long. At least 2000. @defaultValue 10000
   */
  leaseMs?: number;
}

/**
 * Keeps the session in a file, shared by every process on the machine that uses the same path:
 * scripts and CLIs that should not log in on every run, cron jobs, worker pools.
 *
 * @remarks The file is created with mode 0600 (owner only) in a folder created with mode 0700,
 * and replaced atomically (a temporary file in the same folder, renamed over the old one), so a
 * crash never leaves a half-written session. Processes coordinate with `proper-lockfile`: a lease
 * around each refresh (kept fresh while its holder lives, taken over once a dead holder's goes
 * stale) and a short lock around each compare-and-set write. `fs.watch` hints at changes.
 *
 * @param path - the session file; its folder is created when missing
 */
export function fileStorage(path: string, options: FileStorageOptions = {}): SessionStorage {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new TypeError(`${packageName}: fileStorage() needs a file path`);
  }
  const leaseMs = Math.max(options.leaseMs ?? 10_000, 2000);
  const folder = dirname(path);
  const name = basename(path);
  // Clients in one process queue here first, so only one of them polls the lock file.
  const localMutex = new LeaseMutex(leaseMs, leaseMs * 2);
  const listeners = new Set<() => void>();
  let watcher: FSWatcher | undefined;

  /**
   * The entry; a file that is not one (truncated, or written by something else) fails like a
   * read that could not be made, so holders keep their session in memory and write it again,
   * instead of each dropping it as if it had been logged out.
   */
  const readEntry = async (): Promise<StoredEntry> => {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: null, version: 0 };
      throw error;
    }
    try {
      const parsed = JSON.parse(raw) as Partial<StoredEntry>;
      if (typeof parsed.version === 'number' && typeof parsed.value === 'string')
        return { value: parsed.value, version: parsed.version };
    } catch {
      // falls through
    }
    throw new UnreadableSessionFile('the session file is not a session file (truncated, or written by something else)');
  };

  /** The folder, made owner-only: created 0700, or tightened (with one warning) when others may write to it. */
  let folderChecked = false;
  const ensureFolder = async () => {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    if (folderChecked) return;
    folderChecked = true;
    const { mode } = await stat(folder);
    if ((mode & 0o022) !== 0) {
      try {
        await chmod(folder, mode & ~0o077);
      } catch {
        throw new Error(
          `${packageName}: the folder of the session file may be written by other users, and could not be made owner-only`,
        );
      }
      console.warn(
        `${packageName}: the folder of the session file could be written by other users; it is now owner-only`,
      );
    }
    // Temporary files of a holder killed while writing hold a whole session: remove the stale ones.
    const stalePrefix = `.${name}.`;
    for (const entry of await readdir(folder).catch(() => [] as string[])) {
      if (!entry.startsWith(stalePrefix) || !entry.endsWith('.tmp')) continue;
      const file = join(folder, entry);
      const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: Date.now() }));
      if (Date.now() - mtimeMs > staleTemporaryMs) await rm(file, { force: true });
    }
  };

  const replace = async (content: string) => {
    const temporary = join(folder, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  };

  // proper-lockfile keys its own bookkeeping by the locked path, so each lock gets a path of its own
  // (`session.json.write` → the folder `session.json.write.lock`); the paths need not exist.
  const lockOptions = (stale: number, waitMs: number) => ({
    realpath: false,
    stale,
    retries: { retries: Math.ceil(waitMs / 50), factor: 1, minTimeout: 50, maxTimeout: 50 },
    // The lease was lost (its lock went stale and another process took it): the version check
    // refuses this holder's write, so there is nothing to crash for.
    onCompromised: () => undefined,
  });

  return {
    read: readEntry,
    async write(value, expectedVersion) {
      await ensureFolder();
      const release = await lockFile(`${path}.write`, lockOptions(2000, 10_000));
      try {
        // A file that is no session has no version to protect: the holder's session replaces it.
        const current = await readEntry().catch((error: unknown) => {
          if (error instanceof UnreadableSessionFile) return { value: null, version: expectedVersion };
          throw error;
        });
        if (current.version !== expectedVersion) return null;
        await replace(JSON.stringify({ version: current.version + 1, value }));
        return current.version + 1;
      } finally {
        await release().catch(() => undefined);
      }
    },
    async lock() {
      const local = await localMutex.acquire();
      if (!local) return null;
      try {
        await ensureFolder();
        const release = await lockFile(`${path}.refresh`, lockOptions(leaseMs, leaseMs * 1.5));
        let released = false;
        const done = async () => {
          if (released) return;
          released = true;
          clearTimeout(lapse);
          await release().catch(() => undefined);
          await local.release();
        };
        // Held until released, or until the lease runs out (a holder stuck in a refresh).
        const lapse = setTimeout(() => void done(), leaseMs);
        lapse.unref();
        return { release: done } satisfies SessionLease;
      } catch {
        await local.release();
        return null;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!watcher) {
        try {
          mkdirSync(folder, { recursive: true, mode: 0o700 });
          watcher = watch(folder, { persistent: false }, (_event, changed) => {
            if (changed === null || changed === name) for (const each of listeners) each();
          });
          watcher.on('error', () => undefined);
        } catch {
          // No folder yet, or no watching here: changes are still found before each refresh.
        }
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          watcher?.close();
          watcher = undefined;
        }
      };
    },
  };
}

/** A temporary file older than this was left by a holder killed while writing. */
const staleTemporaryMs = 60_000;

/** The session file holds something that is not a stored session. */
class UnreadableSessionFile extends Error {
  override readonly name = 'UnreadableSessionFile';
}
