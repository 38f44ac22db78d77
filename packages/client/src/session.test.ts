import { SignJWT } from 'jose';
import { expect, test } from 'vitest';
import { parseStoredSession, storedSessionFrom } from './session';

const key = new TextEncoder().encode('k'.repeat(32));
const tokenFields = (accessToken: string) => ({
  accessToken,
  refreshToken: 'r',
  role: { id: 'r1', name: 'Admin', type: 'admin' as const, scopes: ['*'] },
  member: { id: 'm1', name: 'John Smith', username: 'bettermodeuser', activeSession: { id: 's1' } },
});

test('expiry is read from exp and moved onto the local clock by the skew seen in iat', async () => {
  const serverNow = 1_800_000_000;
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(serverNow).setExpirationTime(serverNow + 3600).sign(key);
  // This machine's clock is 5 minutes behind the server's.
  const localNow = (serverNow - 300) * 1000;
  const stored = storedSessionFrom(tokenFields(token), 'member', localNow);
  expect(stored.expiresAt).toBe(localNow + 3600 * 1000);
  expect(stored.sessionId).toBe('s1');
});

test('a token that cannot be decoded counts as expired', () => {
  expect(storedSessionFrom(tokenFields('not-a-jwt'), 'guest', 1000).expiresAt).toBe(0);
});

test('only a well-formed stored session is accepted', () => {
  expect(parseStoredSession('{')).toBeNull();
  expect(parseStoredSession('null')).toBeNull();
  expect(parseStoredSession('{"version":2}')).toBeNull();
  const stored = storedSessionFrom(tokenFields('x.y.z'), 'guest', 1000);
  expect(parseStoredSession(JSON.stringify(stored))).toEqual(stored);
});
