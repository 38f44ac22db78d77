import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { decodeJwt } from 'jose/jwt/decode';
import { fileURLToPath } from 'node:url';
import { runReadmeSection, runReadmeUsage } from '../../../testing/run-readme-usage';
import { readStoredSession, writeStoredSession } from './test-support/stored-session';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  createBettermodeClient,
  HttpError,
  InvalidCredentialsError,
  memoryStorage,
  SessionExpiredError,
  UnauthorizedError,
  type BettermodeClient,
  type SessionStorage,
} from './index';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };

describe('the README example', () => {
  test('runs as written against the emulator: guest token, login, a typed query, logout', async () => {
    // The block starts and stops its own emulator; what it asked of it is read back through the stop.
    const started: Emulator[] = [];
    await runReadmeUsage(fileURLToPath(new URL('..', import.meta.url)), {
      startEmulator: async () => {
        const emulator = await startEmulator();
        started.push(emulator);
        return emulator;
      },
    });
    expect(started).toHaveLength(1);
    const stats = started[0]?.stats();
    expect(stats?.byField).toEqual({ tokens: 1, loginNetwork: 1, authMember: 1, logoutNetwork: 1 });
    expect(stats?.unauthorized).toBe(0);
    expect(stats?.liveSessions).toBe(0);
  });
});

/** Reads the session the client stored, tokens included, as a test may. */
async function storedTokens(storage: SessionStorage) {
  const session = await readStoredSession(storage);
  if (!session) throw new Error('no session stored');
  return session;
}

describe('createBettermodeClient against the emulator', () => {
  let emulator: Emulator;
  const clients: BettermodeClient[] = [];
  const client = (options: Partial<Parameters<typeof createBettermodeClient>[0]> = {}) => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, ...options });
    clients.push(bm);
    return bm;
  };

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => {
    for (const bm of clients.splice(0)) bm.close();
    emulator.resetStats();
  });
  afterAll(async () => {
    await emulator.stop();
  });

  test('50 concurrent first operations make exactly one tokens request', async () => {
    const bm = client();
    const results = await Promise.all(Array.from({ length: 50 }, () => bm.query(NetworkPublicInfoDocument, {})));
    expect(results.every((data) => data.networkPublicInfo.domain === 'community.bettermode.io')).toBe(true);
    expect(emulator.stats().byField.tokens).toBe(1);
    expect(emulator.stats().unauthorized).toBe(0);
    expect((await bm.getSession())?.kind).toBe('guest');
  });

  test('login sends LoginNetwork with the guest Bearer; later operations carry the member token', async () => {
    const sent: { operation: string; roleType: unknown }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body)) as { operationName?: string; query: string };
      const authorization = new Headers(init?.headers).get('authorization');
      sent.push({
        operation: body.query.match(/^(?:query|mutation) (\w+)/)?.[1] ?? '?',
        roleType: authorization ? decodeJwt(authorization.replace('Bearer ', '')).roleType : null,
      });
      return fetch(input, init);
    };
    const changes: string[] = [];
    const bm = client({
      fetch: recordingFetch,
      onSessionChange: (session, reason) => changes.push(`${reason}:${session?.kind}`),
    });
    await bm.login(member);
    await bm.query(AuthMemberDocument, {});
    expect(sent).toEqual([
      { operation: 'Tokens', roleType: null },
      { operation: 'LoginNetwork', roleType: 'guest' },
      { operation: 'AuthMember', roleType: 'admin' },
    ]);
    expect(changes).toEqual(['guest:guest', 'login:member']);
  });

  test('wrong credentials give InvalidCredentialsError and keep the guest session', async () => {
    const bm = client();
    await bm.query(NetworkPublicInfoDocument, {});
    const error = await bm.login({ ...member, password: 'wrong-password' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(error).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await bm.getSession())?.kind).toBe('guest');
    expect((await bm.query(AuthMemberDocument, {})).authMember.name).toBe('Guest');
    expect(emulator.stats().byField.tokens).toBe(1);
  });

  test('a token the server rejects anyway triggers one refresh and one retry', async () => {
    const storage = memoryStorage();
    const first = client({ storage });
    await first.login(member);
    const stored = await storedTokens(storage);
    // A token the server no longer accepts, though it looks valid for an hour to the client.
    await writeStoredSession(storage, { ...stored, accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.bm90LXZhbGlk' });
    emulator.resetStats();

    const second = client({ storage });
    const { authMember } = await second.query(AuthMemberDocument, {});
    expect(authMember.username).toBe('bettermodeuser');
    expect(emulator.stats()).toMatchObject({ byField: { authMember: 2, tokens: 1 }, unauthorized: 1 });
  });

  test('a rejected refresh token ends the member session: SessionExpiredError, back to guest, onSessionChange says why', async () => {
    const storage = memoryStorage();
    const changes: string[] = [];
    const bm = client({ storage, onSessionChange: (session, reason) => changes.push(`${reason}:${session?.kind}`) });
    await bm.login(member);
    const { accessToken, sessionId } = await storedTokens(storage);
    // The session is revoked elsewhere (another device logs it out): both its tokens stop working.
    await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        query: 'mutation($id: String!) { logoutNetwork(input: { sessionId: $id }) { status } }',
        variables: { id: sessionId },
      }),
    });

    const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((await bm.getSession())?.kind).toBe('guest');
    expect(changes).toEqual(['guest:guest', 'login:member', 'session-expired:guest']);
    expect((await bm.query(AuthMemberDocument, {})).authMember.name).toBe('Guest');
  });

  test("logout revokes the session on the server, and the next operation is a guest's", async () => {
    const storage = memoryStorage();
    const bm = client({ storage });
    await bm.login(member);
    const { refreshToken } = await storedTokens(storage);
    await bm.logout();
    expect(emulator.stats().byField.logoutNetwork).toBe(1);
    const refused = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($r: String) { tokens(refreshToken: $r) { accessToken } }',
        variables: { r: refreshToken },
      }),
    });
    expect(((await refused.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe('Unauthorized');
    expect((await bm.query(AuthMemberDocument, {})).authMember.name).toBe('Guest');
    expect((await bm.getSession())?.kind).toBe('guest');
  });

  test.each([
    ['always-unauthorized', UnauthorizedError],
    // A bare 401 from something in front of Bettermode (a proxy) is an HTTP error, not Bettermode's refusal.
    ['always-http-401', HttpError],
  ] as const)('refused even after a refresh (%s): %o, never a loop', async (fault, errorClass) => {
    const { startFaultProxy } = await import('../../../testing/fault-proxy');
    const proxy = await startFaultProxy(emulator.url);
    try {
      const bm = client({ endpoint: proxy.url });
      await bm.query(NetworkPublicInfoDocument, {});
      emulator.resetStats();
      proxy.setFault(fault);
      await expect(bm.query(NetworkPublicInfoDocument, {})).rejects.toBeInstanceOf(errorClass);
      // One refresh (a new guest token), nothing more.
      expect(emulator.stats().byField).toEqual({ tokens: 1 });
    } finally {
      await proxy.stop();
    }
  });

  test('the session never includes a token', async () => {
    const bm = client();
    const session = await bm.login(member);
    expect(JSON.stringify(session)).not.toMatch(/eyJ/);
    expect(Object.keys(session).sort()).toEqual(['expiresAt', 'kind', 'member', 'role']);
  });
});

describe('tokens that expire within seconds', () => {
  test('operations across expiry never fail and share exactly one refresh', async () => {
    const emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      await bm.login(member);
      emulator.resetStats();
      // For a 2 s token the leeway is a tenth of it (or three round trips): within 100 ms of expiry it is due.
      const { expiresAt } = (await bm.getSession()) as { expiresAt: Date };
      await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() - 100));
      const results = await Promise.all(Array.from({ length: 20 }, () => bm.query(AuthMemberDocument, {})));
      expect(results.every((data) => data.authMember.username === 'bettermodeuser')).toBe(true);
      expect(emulator.stats()).toMatchObject({
        requests: 21,
        byField: { tokens: 1, authMember: 20 },
        unauthorized: 0,
        refreshes: 1,
      });
      expect((await bm.getSession())?.kind).toBe('member');
    } finally {
      bm.close();
      await emulator.stop();
    }
  });
});

describe('getSession({ fresh: true }) and onSessionChange()', () => {
  test('a due session is refreshed once for concurrent callers, a fresh one costs nothing; listeners hear it and unsubscribe', async () => {
    const emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      const heard: string[] = [];
      const second: string[] = [];
      const stop = bm.onSessionChange((_session, reason) => heard.push(reason));
      bm.onSessionChange(() => {
        throw new Error('a listener that fails stops no other');
      });
      bm.onSessionChange((_session, reason) => second.push(reason));
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      await bm.login(member);
      emulator.resetStats();
      expect((await bm.getSession({ fresh: true }))?.kind).toBe('member');
      expect(emulator.stats().requests).toBe(0);
      const { expiresAt } = (await bm.getSession()) as { expiresAt: Date };
      await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() - 100));
      const sessions = await Promise.all(Array.from({ length: 10 }, () => bm.getSession({ fresh: true })));
      expect(sessions.every((session) => session?.kind === 'member' && session.expiresAt > expiresAt)).toBe(true);
      expect(emulator.stats()).toMatchObject({ requests: 1, refreshes: 1, unauthorized: 0 });
      expect(heard).toEqual(['guest', 'login', 'refresh']);
      expect(second).toEqual(['guest', 'login', 'refresh']);
      expect(warn).toHaveBeenCalledTimes(1);
      warn.mockRestore();
      stop();
      await bm.logout();
      expect(heard).toEqual(['guest', 'login', 'refresh']);
      expect(second.at(-1)).toBe('logout');
      expect(() => bm.onSessionChange('nope' as never)).toThrow(TypeError);
    } finally {
      bm.close();
      await emulator.stop();
    }
  });
});

test('misconfiguration throws at once, with the package name', () => {
  expect(() => createBettermodeClient({} as never)).toThrow(
    /^@bettermode-kit\/client: networkDomain \(or networkId\) is required/,
  );
  expect(() => createBettermodeClient({ networkDomain: 'x', endpoint: 'ftp://x' })).toThrow(
    /endpoint must be an http\(s\) URL/,
  );
  expect(() => createBettermodeClient({ networkDomain: 'x', requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
  const withPassword = () =>
    createBettermodeClient({ networkDomain: 'x', endpoint: 'https://someone:a-url-secret@api.example/graphql' });
  expect(withPassword).toThrow('@bettermode-kit/client: endpoint must not carry a user name or password');
  expect(withPassword).not.toThrow(/a-url-secret/);
});

test('a closed client refuses further operations', async () => {
  const bm = createBettermodeClient({ endpoint: 'http://127.0.0.1:9/graphql', networkDomain: 'x' });
  bm.close();
  await expect(bm.query(AuthMemberDocument, {})).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  vi.restoreAllMocks();
});

describe('the README sections on apps and rate limits', () => {
  test('"App clients" runs as written: the bot, then an impersonated member', async () => {
    const emulator = await startEmulator();
    try {
      await runReadmeSection(fileURLToPath(new URL('..', import.meta.url)), 'App clients', { emulator });
      expect(emulator.stats().byField).toMatchObject({ limitedToken: 2, networkPublicInfo: 1, authMember: 2 });
    } finally {
      await emulator.stop();
    }
  });

  test('"Rate limits and retries" runs as written against a rate-limited emulator', async () => {
    // As the block says, but with a 2 s window so the test need not wait 10 s.
    const limited = await startEmulator({ rateLimit: { requestsPer10s: 2, windowSeconds: 2 } });
    try {
      await runReadmeSection(fileURLToPath(new URL('..', import.meta.url)), 'Rate limits and retries', { limited });
      // One refusal for the first client, at least one for the patient one, which then got all four answers.
      expect(limited.stats().rateLimited).toBeGreaterThanOrEqual(3);
      expect(limited.stats().byField.networkPublicInfo).toBeGreaterThanOrEqual(2 + 4);
    } finally {
      await limited.stop();
    }
  });
});

test("fetchOptions headers of bm.query reach the server, under the client's own headers", async () => {
  const emulator = await startEmulator();
  const sent: Headers[] = [];
  const recording: typeof fetch = (input, init) => {
    sent.push(new Headers(init?.headers));
    return fetch(input, init);
  };
  const bm = createBettermodeClient({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    fetch: recording,
  });
  try {
    const headers = { 'x-request-id': 'abc-1', authorization: 'Bearer not-this-one' };
    await bm.query(NetworkPublicInfoDocument, {}, { fetchOptions: () => ({ headers }) });
    const last = sent.at(-1);
    expect(last?.get('x-request-id')).toBe('abc-1');
    expect(last?.get('authorization')).toMatch(/^Bearer (?!not-this-one)/);
  } finally {
    bm.close();
    await emulator.stop();
  }
});

test('two queries with headers of their own, at once across an expiry: each request carries its own header, one refresh serves both', async () => {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
  const sent: { operationName: string | undefined; requestId: string | null }[] = [];
  const recording: typeof fetch = (input, init) => {
    sent.push({
      operationName: (JSON.parse(String(init?.body)) as { operationName?: string }).operationName,
      requestId: new Headers(init?.headers).get('x-request-id'),
    });
    return fetch(input, init);
  };
  const bm = createBettermodeClient({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    fetch: recording,
  });
  try {
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    const session = await bm.getSession();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, (session?.expiresAt.getTime() ?? 0) - Date.now() + 50)),
    );
    emulator.resetStats();
    sent.length = 0;
    await Promise.all(
      ['a', 'b'].map((id) => bm.query(AuthMemberDocument, {}, { fetchOptions: { headers: { 'x-request-id': id } } })),
    );
    expect(emulator.stats()).toMatchObject({ refreshes: 1, unauthorized: 0 });
    const operations = sent.filter((request) => request.operationName === 'AuthMember');
    expect(operations.map((request) => request.requestId).sort()).toEqual(['a', 'b']);
    expect(sent.filter((request) => request.operationName === 'Tokens').map((request) => request.requestId)).toEqual([
      null,
    ]);
  } finally {
    bm.close();
    await emulator.stop();
  }
});
