import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument, LoginNetworkDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { cacheExchange, mapExchange } from '@urql/core';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBettermodeClient } from './index';
import { createBettermodeAppClient } from './node';
import { startFaultProxy } from '../../../testing/fault-proxy';
import { transports } from './test-support/transports';
import { createUrqlClient } from './urql';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };

describe.each(transports)('createUrqlClient (%s)', (_name, fetchOption) => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  beforeAll(async () => {
    emulator = await startEmulator({
      accessTokenTtlSeconds: 2,
      apps: [{ clientId: 'emulator-app', clientSecret: 'emulator-app-secret' }],
    });
    proxy = await startFaultProxy(emulator.url);
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });
  const client = () =>
    createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, fetch: fetchOption });

  test('runs on the session of bm: the guest token of bm.query, then the member of bm.login', async () => {
    const bm = client();
    const urql = createUrqlClient(bm);
    try {
      emulator.resetStats();
      await bm.query(NetworkPublicInfoDocument, {});
      const guest = await urql.query(NetworkPublicInfoDocument, {}).toPromise();
      expect(guest.data?.networkPublicInfo.name).toBe('Bettermode Community');
      await bm.login(member);
      const answer = await urql.query(AuthMemberDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      expect(answer.data?.authMember.username).toBe('bettermodeuser');
      expect(emulator.stats().byField).toMatchObject({ tokens: 1, loginNetwork: 1, authMember: 1 });
    } finally {
      bm.close();
    }
  });

  test('exchanges of your own run before the session one; with a cache, a repeated query is not sent', async () => {
    const bm = client();
    const seen: string[] = [];
    const urql = createUrqlClient(bm, {
      exchanges: [mapExchange({ onOperation: (operation) => void seen.push(operation.kind) }), cacheExchange],
    });
    try {
      await bm.login(member);
      emulator.resetStats();
      await urql.query(AuthMemberDocument, {}).toPromise();
      const cached = await urql.query(AuthMemberDocument, {}).toPromise();
      expect(cached.data?.authMember.username).toBe('bettermodeuser');
      expect(seen).toEqual(['query', 'query']);
      expect(emulator.stats().byField).toEqual({ authMember: 1 });
    } finally {
      bm.close();
    }
  });

  test('two urql Clients and bm.query at once, across an expiry, share one refresh', async () => {
    const bm = client();
    const [first, second] = [createUrqlClient(bm), createUrqlClient(bm)];
    try {
      await bm.login(member);
      const session = await bm.getSession();
      await delay(Math.max(0, (session?.expiresAt.getTime() ?? 0) - Date.now() + 50));
      emulator.resetStats();
      const policy = { requestPolicy: 'network-only' } as const;
      const answers = await Promise.all([
        first.query(AuthMemberDocument, {}, policy).toPromise(),
        second.query(AuthMemberDocument, {}, policy).toPromise(),
        first.mutation(LoginNetworkDocument, { input: member }).toPromise(),
        bm.query(AuthMemberDocument, {}),
      ]);
      expect(answers.map((answer) => ('data' in answer ? answer.error : undefined))).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0 });
    } finally {
      bm.close();
    }
  });

  test('a refresh whose answer is lost while two urql queries wait: both answer, the same refresh token is sent once more', async () => {
    const bm = createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      fetch: fetchOption,
    });
    const urql = createUrqlClient(bm);
    try {
      await bm.login(member);
      const session = await bm.getSession();
      await delay(Math.max(0, (session?.expiresAt.getTime() ?? 0) - Date.now() + 50));
      emulator.resetStats();
      const refreshesSeen = proxy.refreshesSeen();
      proxy.setFault('refresh-drop-answer', { once: true });
      const policy = { requestPolicy: 'network-only' } as const;
      const answers = await Promise.all([
        urql.query(AuthMemberDocument, {}, policy).toPromise(),
        urql.query(NetworkPublicInfoDocument, {}, policy).toPromise(),
      ]);
      expect(answers.map((answer) => answer.error)).toEqual([undefined, undefined]);
      expect(answers[0]?.data?.authMember.username).toBe('bettermodeuser');
      expect(proxy.refreshesSeen() - refreshesSeen).toBe(1);
      expect(emulator.stats()).toMatchObject({
        refreshes: 1,
        reuseGraceAnswers: 1,
        revokedByReuse: 0,
        unauthorized: 0,
      });
      expect((await bm.getSession())?.kind).toBe('member');
    } finally {
      proxy.setFault('none');
      bm.close();
    }
  });

  test('a query whose connection is reset gets a NETWORK_ERROR result, not a hang or a throw; the next one answers', async () => {
    const bm = createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      fetch: fetchOption,
    });
    const urql = createUrqlClient(bm);
    try {
      await bm.query(NetworkPublicInfoDocument, {});
      const faultsServed = proxy.faultsServed();
      proxy.setFault('reset');
      const lost = await urql.query(NetworkPublicInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      expect(lost.error?.networkError).toMatchObject({ code: 'NETWORK_ERROR' });
      // No retry is configured: fetch sends it once; node:http resends a query once when the
      // kept-alive socket it reused was reset (Node's documented case), and no more.
      expect(proxy.faultsServed() - faultsServed).toBe(fetchOption ? 1 : 2);
      proxy.setFault('none');
      const answered = await urql.query(NetworkPublicInfoDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      expect(answered.data?.networkPublicInfo.name).toBe('Bettermode Community');
    } finally {
      proxy.setFault('none');
      bm.close();
    }
  });

  test('after bm.close(), its urql Client answers CLIENT_CLOSED and sends nothing', async () => {
    const bm = client();
    const urql = createUrqlClient(bm);
    await bm.query(NetworkPublicInfoDocument, {});
    bm.close();
    emulator.resetStats();
    const answer = await urql.query(AuthMemberDocument, {}).toPromise();
    expect(answer.error?.networkError).toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(emulator.stats().requests).toBe(0);
  });

  test("an app client's bot and member views each get an urql Client on their own token", async () => {
    const app = createBettermodeAppClient({
      endpoint: emulator.url,
      clientId: 'emulator-app',
      clientSecret: 'emulator-app-secret',
      networkId: 'NtT0FkLxxi',
      fetch: fetchOption,
    });
    try {
      const bot = await createUrqlClient(app).query(AuthMemberDocument, {}).toPromise();
      const asMember = await createUrqlClient(app.asMember('9FWKl7Y1rB')).query(AuthMemberDocument, {}).toPromise();
      expect([bot.data?.authMember.username, asMember.data?.authMember.username]).toEqual([
        'emulator-app-bot',
        'bettermodeuser',
      ]);
    } finally {
      app.close();
    }
  });
});

test('anything but a bettermode-kit client is refused with a TypeError', () => {
  const lookalike = { query: async () => ({}), mutate: async () => ({}) };
  expect(() => createUrqlClient(lookalike as never)).toThrow(
    /createUrqlClient\(\) needs a client made by createBettermodeClient/,
  );
  expect(() => createUrqlClient(undefined as never)).toThrow(TypeError);
});
