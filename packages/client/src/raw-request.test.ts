import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BettermodeError, createBettermodeClient, createBettermodeClientFactory, memoryStorage } from './index';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.stop();
});

test('rawRequest runs an operation given as text, with the member token, and hands back errors instead of throwing', async () => {
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    await bm.login(member);
    expect(await bm.rawRequest('{ authMember { username } }')).toEqual({
      data: { authMember: { username: 'bettermodeuser' } },
      errors: undefined,
      extensions: expect.objectContaining({ complexity: expect.any(Number) }),
    });
    const failed = await bm.rawRequest('{ authMember { noSuchField } }');
    expect(failed.errors?.[0]?.message).toMatch(/noSuchField/);
  } finally {
    bm.close();
  }
});

test('rawRequest sends the named operation of several (with its fragments), and refuses what it cannot send', async () => {
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    await bm.login(member);
    emulator.resetStats();
    const document = `
      query Network { networkPublicInfo { name } }
      query Me { authMember { ...Who } }
      fragment Who on Member { username }`;
    expect((await bm.rawRequest(document, {}, { operationName: 'Me' })).data).toEqual({
      authMember: { username: 'bettermodeuser' },
    });
    expect(emulator.stats().byField).toEqual({ authMember: 1 });
    const refusals = await Promise.allSettled([
      bm.rawRequest(document),
      bm.rawRequest(document, {}, { operationName: 'Nope' }),
      bm.rawRequest('{ authMember {'),
      bm.rawRequest('subscription { x }'),
    ]);
    for (const refusal of refusals) {
      expect(refusal.status).toBe('rejected');
      const reason = (refusal as PromiseRejectedResult).reason as BettermodeError;
      expect(reason).toBeInstanceOf(BettermodeError);
      expect(reason.code).toBe('GRAPHQL_ERROR');
    }
    expect(emulator.stats().requests).toBe(1);
  } finally {
    bm.close();
  }
});

test('a client factory: clients on their own sessions share connections, and closing one leaves the others working', async () => {
  const clients = createBettermodeClientFactory({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  const [first, second] = [clients.client(memoryStorage()), clients.client(memoryStorage())] as const;
  try {
    await first.login(member);
    expect((await first.rawRequest('{ authMember { username } }')).data).toEqual({
      authMember: { username: 'bettermodeuser' },
    });
    // The second client has a session of its own: a guest's.
    expect((await second.getSession())?.kind ?? null).toBeNull();
    first.close();
    expect((await second.rawRequest('{ networkPublicInfo { name } }')).data).toBeTruthy();
    expect((await second.getSession())?.kind).toBe('guest');
  } finally {
    second.close();
    clients.close();
  }
});
