import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { guestTokenQuery, loginAs, postGraphql } from './testing/post-graphql';

const secret = 'a-test-secret-that-is-32-bytes-long!';
const key = new TextEncoder().encode(secret);

describe('every request but tokens needs a valid Bearer token', () => {
  let emulator: Emulator;
  let memberToken: string;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    emulator = await startEmulator({ secret });
    const { login } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
    memberToken = login.body.data?.loginNetwork.accessToken;
    claims = decodeJwt(memberToken);
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const expectUnauthorized = async (authorization: string | undefined, query = '{ authMember { id } }') => {
    const answer = await postGraphql(emulator.url, query, {
      headers: authorization === undefined ? {} : { authorization },
    });
    // A well-formed GraphQL answer, as Bettermode gives: clients recognise it by the message.
    expect(answer.status).toBe(200);
    expect(answer.body.errors?.[0]?.message).toBe('Unauthorized');
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('108');
    expect(answer.body.data ?? null).toBeNull();
  };

  test('tokens and __typename need none', async () => {
    const answer = await postGraphql(emulator.url, guestTokenQuery, {
      variables: { domain: 'community.bettermode.io' },
    });
    expect(answer.body.errors).toBeUndefined();
    expect((await postGraphql(emulator.url, '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
  });

  test('a valid member token is accepted', async () => {
    const answer = await postGraphql(emulator.url, '{ authMember { username } }', { token: memberToken });
    expect(answer.body.data).toEqual({ authMember: { username: 'bettermodeuser' } });
  });

  test('the claims are the ones Bettermode puts in its tokens', () => {
    expect(claims).toMatchObject({
      id: '9FWKl7Y1rB',
      networkId: expect.any(String),
      networkDomain: 'community.bettermode.io',
      role: 'Admin',
      roleId: expect.any(String),
      roleType: 'admin',
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });

  test('missing header, wrong prefix and garbage answer Unauthorized', async () => {
    await expectUnauthorized(undefined);
    await expectUnauthorized(`Token ${memberToken}`);
    await expectUnauthorized(memberToken);
    await expectUnauthorized('Bearer ');
    await expectUnauthorized('Bearer garbage');
    await expectUnauthorized('Bearer a.b.c');
  });

  test('mixing tokens with a guarded field needs a token for the whole request', async () => {
    await expectUnauthorized(
      undefined,
      '{ tokens(networkDomain: "community.bettermode.io") { accessToken } authMember { id } }',
    );
  });

  test('introspection needs a token, as on Bettermode', async () => {
    await expectUnauthorized(undefined, '{ __schema { queryType { name } } }');
    const answer = await postGraphql(emulator.url, '{ __schema { queryType { name } } }', { token: memberToken });
    expect(answer.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  test('alg none is refused', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    await expectUnauthorized(`Bearer ${unsigned}`);
    await expectUnauthorized(`Bearer ${unsigned}AAAA`);
  });

  test('another algorithm is refused, even with the right secret', async () => {
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(key);
    await expectUnauthorized(`Bearer ${hs512}`);
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    await expectUnauthorized(`Bearer ${rs256}`);
  });

  test('a tampered payload or signature is refused', async () => {
    const [header, payload, signature] = memberToken.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims, id: 'someoneElse' })).toString('base64url');
    await expectUnauthorized(`Bearer ${header}.${forged}.${signature}`);
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expectUnauthorized(`Bearer ${header}.${payload}.${flipped}`);
  });

  test('an expired token, or one without exp or iat, is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 120, exp: now - 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    await expectUnauthorized(`Bearer ${expired}`);
    const { exp: _exp, ...withoutExp } = claims;
    const noExp = await new SignJWT(withoutExp).setProtectedHeader({ alg: 'HS256' }).sign(key);
    await expectUnauthorized(`Bearer ${noExp}`);
    const { iat: _iat, ...withoutIat } = claims;
    const noIat = await new SignJWT(withoutIat).setProtectedHeader({ alg: 'HS256' }).sign(key);
    await expectUnauthorized(`Bearer ${noIat}`);
  });

  test('a token of another emulator or another network is refused', async () => {
    const other = await startEmulator();
    try {
      const { login } = await loginAs(other.url, 'bettermodeuser', 'bettermodepassword');
      await expectUnauthorized(`Bearer ${login.body.data?.loginNetwork.accessToken}`);
    } finally {
      await other.stop();
    }
    const otherNetwork = await new SignJWT({ ...claims, networkId: 'elsewhere1' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    await expectUnauthorized(`Bearer ${otherNetwork}`);
  });

  test('refusals are counted', async () => {
    emulator.resetStats();
    await expectUnauthorized(undefined);
    expect(emulator.stats().unauthorized).toBe(1);
  });
});
