import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AppCredentialsError, ForbiddenError, type BettermodeError } from './index';
import { createBettermodeAppClient, type BettermodeAppClientOptions } from './node';
import { startFaultProxy } from '../../../testing/fault-proxy';
import { transports } from './test-support/transports';

const networkId = 'NtT0FkLxxi';
const credentials = { clientId: 'emulator-app', clientSecret: 'emulator-app-secret', networkId };

describe.each(transports)('createBettermodeAppClient against the emulator (%s)', (_name, fetchOption) => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      apps: [
        { clientId: 'emulator-app', clientSecret: 'emulator-app-secret' },
        { clientId: 'elsewhere-app', clientSecret: 'elsewhere-secret', installedOn: ['OtherNet01'] },
      ],
    });
  });
  afterAll(async () => {
    await emulator.stop();
  });
  const app = (options: Partial<BettermodeAppClientOptions> = {}) =>
    createBettermodeAppClient({ endpoint: emulator.url, ...credentials, fetch: fetchOption, ...options });

  test("as the bot: authMember is the app's bot; asMember(id): that member", async () => {
    const client = app();
    try {
      expect((await client.query(AuthMemberDocument, {})).authMember).toMatchObject({
        username: 'emulator-app-bot',
        role: { name: 'Admin' },
      });
      expect((await client.query(NetworkPublicInfoDocument, {})).networkPublicInfo.name).toBe('Bettermode Community');
      expect((await client.asMember('9FWKl7Y1rB').query(AuthMemberDocument, {})).authMember.username).toBe(
        'bettermodeuser',
      );
    } finally {
      client.close();
    }
  });

  test('50 concurrent first operations as the bot make one limitedToken request; each member its own', async () => {
    const client = app();
    emulator.resetStats();
    try {
      await Promise.all(Array.from({ length: 50 }, () => client.query(NetworkPublicInfoDocument, {})));
      expect(emulator.stats().byField.limitedToken).toBe(1);
      await Promise.all(Array.from({ length: 20 }, () => client.asMember('9FWKl7Y1rB').query(AuthMemberDocument, {})));
      expect(emulator.stats().byField.limitedToken).toBe(2);
    } finally {
      client.close();
    }
  });

  test("asMember('bot') (or any id that is not a member's) never acts as the app's bot, also after a bot query", async () => {
    const client = app();
    try {
      await client.query(AuthMemberDocument, {});
      for (const id of ['bot', 'member:bot', '%62ot']) {
        const error = await client
          .asMember(id)
          .query(AuthMemberDocument, {})
          .catch((caught: unknown) => caught);
        expect((error as BettermodeError).code).toBe('NOT_FOUND');
      }
      expect((await client.query(AuthMemberDocument, {})).authMember.username).toBe('emulator-app-bot');
    } finally {
      client.close();
    }
  });

  test('operations go to the gatewayUrl the token came with', async () => {
    const proxy = await startFaultProxy(emulator.url);
    const client = app({ endpoint: proxy.url });
    try {
      await client.query(AuthMemberDocument, {});
      await client.query(NetworkPublicInfoDocument, {});
      // The proxy saw the mint; the operations went to the gateway (the emulator itself).
      expect(proxy.log.map((entry) => entry.operation)).toEqual(['LimitedToken']);
    } finally {
      client.close();
      await proxy.stop();
    }
  });

  test('refusals are typed: not installed is ForbiddenError, a wrong secret AppCredentialsError; the secret appears nowhere', async () => {
    const elsewhere = app({ clientId: 'elsewhere-app', clientSecret: 'elsewhere-secret' });
    const wrong = app({ clientSecret: 'a-wrong-app-secret' });
    try {
      const forbidden = await elsewhere.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
      expect(forbidden).toBeInstanceOf(ForbiddenError);
      expect(forbidden).toMatchObject({ code: '102' });
      const refused = await wrong.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(AppCredentialsError);
      expect(refused).toMatchObject({ code: 'INVALID_APP_CREDENTIALS' });
      for (const error of [forbidden, refused] as BettermodeError[]) {
        const forms = [
          error.message,
          error.stack,
          String(error.cause),
          JSON.stringify(error),
          inspect(error, { depth: Infinity }),
        ].join('\n');
        for (const secret of [
          'a-wrong-app-secret',
          'elsewhere-secret',
          Buffer.from('emulator-app:a-wrong-app-secret').toString('base64'),
        ])
          expect(forms).not.toContain(secret);
      }
    } finally {
      elsewhere.close();
      wrong.close();
    }
  });
});

test('a token about to expire is minted again, once for all waiting operations', async () => {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
  const client = createBettermodeAppClient({ endpoint: emulator.url, ...credentials });
  try {
    await client.query(AuthMemberDocument, {});
    await new Promise((resolve) => setTimeout(resolve, 1900));
    emulator.resetStats();
    await Promise.all(Array.from({ length: 20 }, () => client.query(NetworkPublicInfoDocument, {})));
    expect(emulator.stats()).toMatchObject({ byField: { limitedToken: 1, networkPublicInfo: 20 }, unauthorized: 0 });
  } finally {
    client.close();
    await emulator.stop();
  }
});

describe.each(transports)('a mint whose answer is lost (%s)', (_name, fetchOption) => {
  test('the server minted but the connection dropped: minted once more, and 20 waiting operations all succeed', async () => {
    const emulator = await startEmulator();
    const proxy = await startFaultProxy(emulator.url, { rewriteGateway: true });
    const client = createBettermodeAppClient({ endpoint: proxy.url, ...credentials, fetch: fetchOption });
    try {
      proxy.setFault('mint-drop-answer', { once: true });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => client.query(NetworkPublicInfoDocument, {})),
      );
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(emulator.stats()).toMatchObject({ byField: { limitedToken: 2, networkPublicInfo: 20 }, unauthorized: 0 });
    } finally {
      client.close();
      await proxy.stop();
      await emulator.stop();
    }
  });
});

test('in a browser-like global it refuses to start unless dangerouslyAllowBrowser is set, and says why', () => {
  const global = globalThis as { window?: unknown };
  global.window = {};
  try {
    expect(() => createBettermodeAppClient({ ...credentials })).toThrow(
      /^@bettermode-kit\/client: createBettermodeAppClient\(\) refuses to run in a browser: the client secret would be readable by anyone who loads the page/,
    );
    createBettermodeAppClient({ ...credentials, dangerouslyAllowBrowser: true }).close();
  } finally {
    delete global.window;
  }
});

test('misconfiguration throws at once', () => {
  expect(() => createBettermodeAppClient({ clientId: 'x', clientSecret: '', networkId })).toThrow(
    /^@bettermode-kit\/client: clientSecret is required/,
  );
  expect(() => createBettermodeAppClient({ ...credentials }).asMember('')).toThrow(/asMember\(\) needs a member id/);
});

test('member views are bounded (maxMemberViews): the least recently used idle one is dropped with its token, and built again when used', async () => {
  const members = ['alpha', 'bravo', 'charlie'].map((name, index) => ({
    id: `${name}00000`.slice(0, 10),
    username: name,
    email: `${name}@example.com`,
    password: `password-${index}`,
    name,
    role: 'member' as const,
  }));
  const emulator = await startEmulator({ members });
  const app = createBettermodeAppClient({ endpoint: emulator.url, ...credentials, maxMemberViews: 2 });
  try {
    const [alpha, bravo, charlie] = members.map((member) => app.asMember(member.id));
    for (const view of [alpha, bravo, charlie]) await view?.query(AuthMemberDocument, {});
    expect(emulator.stats().byField.limitedToken).toBe(3);
    // charlie is the most recent: its token is still cached.
    await charlie?.query(AuthMemberDocument, {});
    expect(emulator.stats().byField.limitedToken).toBe(3);
    // alpha was dropped past the bound: the same handle builds its view again, with a new mint.
    expect((await alpha?.query(AuthMemberDocument, {}))?.authMember.username).toBe('alpha');
    expect(emulator.stats().byField.limitedToken).toBe(4);
    expect(() => createBettermodeAppClient({ ...credentials, maxMemberViews: 0 })).toThrow(/maxMemberViews/);
  } finally {
    app.close();
    await emulator.stop();
  }
});
