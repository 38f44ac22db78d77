import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SessionStorage } from './session-storage';

/**
 * Keeps the session in a file, for scripts and CLIs that should not log in on every run.
 *
 * @remarks The file is created with mode 0600 (owner only) and replaced atomically: the new
 * content goes to a temporary file in the same folder, which is then renamed over the old one,
 * so a crash never leaves a half-written session and no other user can read it at any moment.
 *
 * @param path - the session file; its folder is created (mode 0700) when missing
 */
export function fileStorage(path: string): SessionStorage {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new TypeError('@bettermode-kit/client: fileStorage() needs a file path');
  }
  const folder = dirname(path);
  return {
    async read() {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async write(value) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, value, { mode: 0o600, flag: 'wx' });
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
    async remove() {
      await rm(path, { force: true });
    },
  };
}
