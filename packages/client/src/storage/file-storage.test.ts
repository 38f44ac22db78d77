import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
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

  test('a corrupt file counts as no session, with one warning', async () => {
    const path = join(folder, 'session.json');
    await writeFile(path, '{"version":1,"kind":"member","accessToken":', { mode: 0o600 });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bm = clientWith(path);
    await Promise.all([bm.query(AuthMemberDocument, {}), bm.query(AuthMemberDocument, {}), bm.getSession()]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      '@bettermode-kit/client: the stored session is not valid; starting without one',
    );
    expect(emulator.stats().byField.tokens).toBe(1);
    expect((await bm.getSession())?.kind).toBe('guest');
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

  test('a path is required', () => {
    expect(() => fileStorage('')).toThrow(/^@bettermode-kit\/client: fileStorage\(\) needs a file path/);
  });
});
