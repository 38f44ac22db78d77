import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { postGraphql } from './testing/post-graphql';

const limitedToken =
  'query($member: String) { limitedToken(context: NETWORK, networkId: "NtT0FkLxxi", entityId: "NtT0FkLxxi", impersonateMemberId: $member) { accessToken gatewayUrl } }';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('apps: limitedToken with HTTP Basic credentials', () => {
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

  test("without impersonation the token is the app's bot, an admin; gatewayUrl is the endpoint", async () => {
    const answer = await postGraphql(emulator.url, limitedToken, {
      headers: { authorization: basic('emulator-app', 'emulator-app-secret') },
    });
    const { accessToken, gatewayUrl } = answer.body.data!.limitedToken;
    expect(gatewayUrl).toBe(emulator.url);
    expect(decodeJwt(accessToken)).toMatchObject({ appId: 'emulator-app', roleType: 'admin' });
    const me = await postGraphql(
      emulator.url,
      '{ authMember { username name role { name } } networkPublicInfo { name } }',
      { token: accessToken },
    );
    expect(me.body.data?.authMember).toEqual({
      username: 'emulator-app-bot',
      name: 'Emulator App Bot',
      role: { name: 'Admin' },
    });
    expect(me.body.data?.networkPublicInfo.name).toBe('Bettermode Community');
    expect(emulator.stats().byField.limitedToken).toBeGreaterThanOrEqual(1);
  });

  test('with impersonateMemberId the token acts as that member', async () => {
    const answer = await postGraphql(emulator.url, limitedToken, {
      headers: { authorization: basic('emulator-app', 'emulator-app-secret') },
      variables: { member: '9FWKl7Y1rB' },
    });
    const me = await postGraphql(emulator.url, '{ authMember { username } }', {
      token: answer.body.data?.limitedToken.accessToken,
    });
    expect(me.body.data?.authMember.username).toBe('bettermodeuser');
  });

  test('refusals: no or wrong credentials, an app not installed, an unknown member; the secret is never echoed', async () => {
    const none = await postGraphql(emulator.url, limitedToken);
    expect(none.body.errors?.[0]).toMatchObject({
      message: 'Invalid app credentials',
      extensions: { code: 'INVALID_APP_CREDENTIALS' },
    });
    const wrong = await postGraphql(emulator.url, limitedToken, {
      headers: { authorization: basic('emulator-app', 'not-the-app-secret') },
    });
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('INVALID_APP_CREDENTIALS');
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-app-secret');
    const notInstalled = await postGraphql(emulator.url, limitedToken, {
      headers: { authorization: basic('elsewhere-app', 'elsewhere-secret') },
    });
    expect(notInstalled.body.errors?.[0]).toMatchObject({
      message: 'The app is not installed on this network',
      extensions: { code: '102' },
    });
    const unknown = await postGraphql(emulator.url, limitedToken, {
      headers: { authorization: basic('emulator-app', 'emulator-app-secret') },
      variables: { member: 'nobody' },
    });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test('an app token lives as long as an access token, and no refresh token is handed out', async () => {
    const answer = await postGraphql(emulator.url, `${limitedToken.replace('gatewayUrl', 'gatewayUrl __typename')}`, {
      headers: { authorization: basic('emulator-app', 'emulator-app-secret') },
    });
    const { iat, exp } = decodeJwt(answer.body.data?.limitedToken.accessToken) as { iat: number; exp: number };
    expect(Math.round(exp - iat)).toBe(3600);
    expect(Object.keys(answer.body.data?.limitedToken).sort()).toEqual(['__typename', 'accessToken', 'gatewayUrl']);
  });
});

describe('rate limits and complexity', () => {
  test('every answer reports its complexity: 1 per selected field, fragments included', async () => {
    const emulator = await startEmulator();
    try {
      const answer = await postGraphql(
        emulator.url,
        'query { ...F } fragment F on Query { tokens(networkDomain: "community.bettermode.io") { accessToken role { name scopes } } }',
      );
      expect((answer.body as { extensions?: { complexity?: number } }).extensions?.complexity).toBe(5);
    } finally {
      await emulator.stop();
    }
  });

  test.each(['http-429', 'graphql-error'] as const)(
    'over the requests of the window: refused (%s) with the wait, per token',
    async (style) => {
      const emulator = await startEmulator({ rateLimit: { requestsPer10s: 3, answer: style } });
      try {
        const guest = await postGraphql(
          emulator.url,
          '{ tokens(networkDomain: "community.bettermode.io") { accessToken } }',
        );
        const token = guest.body.data?.tokens.accessToken as string;
        const answers = [];
        for (let index = 0; index < 5; index += 1)
          answers.push(await postGraphql(emulator.url, '{ authMember { id } }', { token }));
        expect(answers.slice(0, 3).every((answer) => answer.body.data?.authMember)).toBe(true);
        const refused = answers[3] as (typeof answers)[number];
        expect(refused.body.errors?.[0]?.extensions?.code).toBe('104');
        if (style === 'http-429') {
          expect(refused.status).toBe(429);
          expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
        } else {
          expect(refused.status).toBe(200);
          expect(refused.body.errors?.[0]?.extensions?.retryAfterMs).toBeGreaterThan(0);
        }
        expect(emulator.stats().rateLimited).toBe(2);
        // Another token has a budget of its own.
        const other = await postGraphql(
          emulator.url,
          '{ tokens(networkDomain: "community.bettermode.io") { accessToken } }',
        );
        expect(
          (await postGraphql(emulator.url, '{ authMember { id } }', { token: other.body.data?.tokens.accessToken }))
            .body.data?.authMember,
        ).toBeTruthy();
      } finally {
        await emulator.stop();
      }
    },
  );

  test('over the complexity of the window: refused', async () => {
    const emulator = await startEmulator({ rateLimit: { complexityPer10s: 10 } });
    try {
      const guest = await postGraphql(
        emulator.url,
        '{ tokens(networkDomain: "community.bettermode.io") { accessToken } }',
      );
      const token = guest.body.data?.tokens.accessToken as string;
      const query = '{ authMember { id name username role { name scopes } } }';
      expect((await postGraphql(emulator.url, query, { token })).body.data?.authMember).toBeTruthy();
      expect((await postGraphql(emulator.url, query, { token })).status).toBe(429);
    } finally {
      await emulator.stop();
    }
  });
});
