import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ClientErrorCode, createBettermodeClient, memoryStorage, type BettermodeError } from '../index';
import { fileStorage } from '../node';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
let first: Emulator;
let second: Emulator;
let folder: string;
beforeAll(async () => {
  first = await startEmulator();
  second = await startEmulator({ networkDomain: 'other.bettermode.io' });
  folder = await mkdtemp(join(tmpdir(), 'bettermode-communities-'));
});
afterAll(async () => {
  await first.stop();
  await second.stop();
  await rm(folder, { recursive: true, force: true });
});

test('two communities on one session file: the second never sends nor overwrites the first one’s session (STORAGE_CONFLICT); the first logs out cleanly', async () => {
  const path = join(folder, 'session.json');
  const a1 = createBettermodeClient({
    endpoint: first.url,
    networkDomain: first.networkDomain,
    storage: fileStorage(path),
  });
  const a2 = createBettermodeClient({
    endpoint: first.url,
    networkDomain: first.networkDomain,
    storage: fileStorage(path),
  });
  const b1 = createBettermodeClient({
    endpoint: second.url,
    networkDomain: second.networkDomain,
    storage: fileStorage(path),
  });
  const b2 = createBettermodeClient({
    endpoint: first.url,
    networkDomain: 'other.bettermode.io',
    storage: fileStorage(path),
  });
  try {
    await a1.login(member);
    expect((await a2.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    second.resetStats();
    first.resetStats();
    for (const foreign of [b1, b2]) {
      const refused = await foreign.query(AuthMemberDocument, {}).catch((error: BettermodeError) => error);
      expect((refused as BettermodeError).code).toBe(ClientErrorCode.StorageConflict);
      expect((refused as BettermodeError).message).toContain(first.url);
      await expect(foreign.login(member)).rejects.toMatchObject({ code: ClientErrorCode.StorageConflict });
    }
    // Nothing reached either server from the foreign holders; the first community's session stands.
    expect(second.stats().requests).toBe(0);
    expect(first.stats().requests).toBe(0);
    expect((await a2.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    await a1.logout();
    expect(first.stats().liveSessions).toBe(0);
    expect(first.stats().unauthorized + second.stats().unauthorized).toBe(0);
  } finally {
    for (const bm of [a1, a2, b1, b2]) bm.close();
  }
});

test('a client for another community on a shared memoryStorage sends none of its tokens either', async () => {
  const storage = memoryStorage();
  const a = createBettermodeClient({ endpoint: first.url, networkDomain: first.networkDomain, storage });
  const b = createBettermodeClient({ endpoint: second.url, networkDomain: second.networkDomain, storage });
  try {
    await a.login(member);
    second.resetStats();
    await expect(b.query(AuthMemberDocument, {})).rejects.toMatchObject({ code: ClientErrorCode.StorageConflict });
    expect(second.stats().requests).toBe(0);
  } finally {
    a.close();
    b.close();
  }
});

test('two communities log in at once on one storage, 10 trials: one wins, the other gets STORAGE_CONFLICT and leaves no member session live on its server', async () => {
  for (let trial = 0; trial < 10; trial += 1) {
    const storage = memoryStorage();
    const a = createBettermodeClient({ endpoint: first.url, networkDomain: first.networkDomain, storage });
    const b = createBettermodeClient({ endpoint: second.url, networkDomain: second.networkDomain, storage });
    const live = [first.stats().liveSessions, second.stats().liveSessions];
    try {
      const outcomes = await Promise.allSettled([a.login(member), b.login(member)]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as BettermodeError).code).toBe(ClientErrorCode.StorageConflict);
      const winner = outcomes[0]?.status === 'fulfilled' ? a : b;
      await winner.logout();
      expect([first.stats().liveSessions, second.stats().liveSessions]).toEqual(live);
      expect(first.stats().unauthorized + second.stats().unauthorized).toBe(0);
    } finally {
      a.close();
      b.close();
    }
  }
});
