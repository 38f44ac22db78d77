import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createBettermodeClient } from '../index';
import { fileStorage } from '../node';

describe('fileStorage', () => {
  let emulator: Emulator;
  let folder: string;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bettermode-session-'));
    emulator.resetStats();
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const clientWith = (path: string) =>
    createBettermodeClient({
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      storage: fileStorage(path),
    });

  test('a restart with a valid stored session makes no tokens request', async () => {
    const path = join(folder, 'nested', 'session.json');
    const first = clientWith(path);
    await first.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    first.close();
    emulator.resetStats();

    const restarted = clientWith(path);
    expect((await restarted.query(AuthMemberDocument, {})).authMember.name).toBe('John Smith');
    expect(emulator.stats().byField).toEqual({ authMember: 1 });
    restarted.close();
  });

  test('the file is mode 0600, its folder 0700, and no temporary file is left', async () => {
    const path = join(folder, 'private', 'session.json');
    const bm = clientWith(path);
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    await bm.query(AuthMemberDocument, {});
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(folder, 'private'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(folder, 'private'))).toEqual(['session.json']);
    bm.close();
  });

  test('a corrupt file counts as no session for a new holder, with one warning, and is replaced', async () => {
    const path = join(folder, 'session.json');
    await writeFile(path, '{"version":1,"kind":"member","accessToken":', { mode: 0o600 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bm = clientWith(path);
    await Promise.all([bm.query(AuthMemberDocument, {}), bm.query(AuthMemberDocument, {}), bm.getSession()]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      '@bettermode-kit/client: the stored session could not be read; starting without one',
    );
    expect(emulator.stats().byField.tokens).toBe(1);
    expect((await bm.getSession())?.kind).toBe('guest');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: expect.any(Number) });
    bm.close();
  });

  test('an unreadable file counts as no session, with one warning', async () => {
    const path = join(folder, 'session.json');
    await mkdir(path); // reading a folder fails with EISDIR
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bm = clientWith(path);
    expect((await bm.query(AuthMemberDocument, {})).authMember.name).toBe('Guest');
    expect(warn.mock.calls.map((call) => String(call[0]))).toContain(
      '@bettermode-kit/client: the stored session could not be read; starting without one',
    );
    bm.close();
  });

  test('a session file truncated under two running holders: both stay members, one server session, the file healed', async () => {
    const path = join(folder, 'session.json');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const [a, b] = [clientWith(path), clientWith(path)];
    try {
      await a.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
      expect((await b.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
      const live = emulator.stats().liveSessions;
      const tokens = emulator.stats().byField.tokens ?? 0;
      await writeFile(path, '{"version":3,"value":"{\\"v\\":3,', { mode: 0o600 });
      // Each holder finds the file unreadable (on the change hint or before its next use) and
      // writes its session back; the first write heals the file for both.
      for (const bm of [a, b, a, b])
        expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
      for (let tries = 0; tries < 50 && !(await isSessionFile(path)); tries += 1)
        await new Promise((r) => setTimeout(r, 50));
      await a.getSession();
      expect(await isSessionFile(path)).toBe(true);
      expect((await a.getSession())?.kind).toBe('member');
      expect((await b.getSession())?.kind).toBe('member');
      expect(emulator.stats().liveSessions).toBe(live);
      expect(emulator.stats().byField.tokens ?? 0).toBe(tokens);
      expect(warn.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      a.close();
      b.close();
    }
  });

  test('a folder others may write to is made owner-only, with a warning; stale temporary files are removed', async () => {
    const shared = join(folder, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    const stale = join(shared, '.session.json.0123456789ab.tmp');
    await writeFile(stale, '{"version":1,"value":"a whole session"}', { mode: 0o600 });
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(stale, old, old);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bm = clientWith(join(shared, 'session.json'));
    try {
      await bm.query(AuthMemberDocument, {});
      expect((await stat(shared)).mode & 0o777).toBe(0o700);
      expect(warn.mock.calls.map((call) => String(call[0]))).toContain(
        '@bettermode-kit/client: the folder of the session file could be written by other users; it is now owner-only',
      );
      expect((await readdir(shared)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      bm.close();
    }
  });

  test('a path is required', () => {
    expect(() => fileStorage('')).toThrow(/^@bettermode-kit\/client: fileStorage\(\) needs a file path/);
  });
});

async function isSessionFile(path: string): Promise<boolean> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown; value?: unknown };
    return typeof parsed.version === 'number' && typeof parsed.value === 'string';
  } catch {
    return false;
  }
}
