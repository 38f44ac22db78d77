import { SignJWT } from 'jose';
import { describe, expect, test } from 'vitest';
import { parseStoredValue, serializeSession, storedSessionFrom, type StoredSession } from './session';
import { SessionClock } from './session-clock';

const key = new TextEncoder().encode('k'.repeat(32));
const tokenFields = (accessToken: string) => ({
  accessToken,
  refreshToken: 'r',
  role: { id: 'r1', name: 'Admin', type: 'admin' as const, scopes: ['*'] },
  member: { id: 'm1', name: 'John Smith', username: 'bettermodeuser', activeSession: { id: 's1' } },
});
const jwt = (iat: number, exp: number) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(iat).setExpirationTime(exp).sign(key);

describe('storedSessionFrom', () => {
  test('exp and iat are taken at their own precision, in ms', async () => {
    const stored = storedSessionFrom(tokenFields(await jwt(1_800_000_000.123, 1_800_000_002.123)), 'member');
    expect(stored).toMatchObject({ issuedAt: 1_800_000_000_123, expiresAt: 1_800_000_002_123, sessionId: 's1' });
  });

  test('a token that cannot be decoded counts as expired', () => {
    expect(storedSessionFrom(tokenFields('not-a-jwt'), 'guest')).toMatchObject({
      expiresAt: 0,
      issuedAt: 0,
      sessionId: null,
    });
  });
});

describe('SessionClock', () => {
  const at = (now: number) => new SessionClock(60_000, () => now);
  const session = (issuedAt: number, expiresAt: number) => ({ issuedAt, expiresAt }) as StoredSession;

  test('whole-second iat is not skew: expiry stays at exp, never later', () => {
    // Issued at 1000.999 s on a clock that agrees with ours, iat truncated to 1000 s.
    const clock = at(1_000_999);
    clock.observeToken(session(1_000_000, 3_600_000 + 1_000_000), 1_000_990, 1_001_005);
    expect(clock.offsetMs).toBe(0);
    expect(clock.localExpiry(session(1_000_000, 4_600_000))).toBe(4_600_000);
  });

  test('a real skew is corrected, rounded towards refreshing early', () => {
    // The server is 10 s ahead: iat (ms precision) is 10 s after our receive time.
    const ahead = at(0);
    ahead.observeToken(session(1_010_007, 4_610_007), 999_980, 1_000_000);
    expect(ahead.offsetMs).toBe(1_010_008 - 999_980);
    expect(ahead.localExpiry(session(1_010_007, 4_610_007))).toBeLessThanOrEqual(4_600_007);
    // The server is 10 s behind.
    const behind = at(0);
    behind.observeToken(session(990_007, 4_590_007), 999_980, 1_000_000);
    expect(behind.localExpiry(session(990_007, 4_590_007))).toBeLessThanOrEqual(4_600_007);
    expect(behind.localExpiry(session(990_007, 4_590_007))).toBeGreaterThan(4_599_900);
  });

  test('leeway: 60 s for long tokens, a tenth (or three round trips) of a short one, never past half', () => {
    const hour = session(0, 3_600_000);
    expect(at(3_539_999).isDue(hour)).toBe(false);
    expect(at(3_540_000).isDue(hour)).toBe(true);
    const short = session(0, 2000);
    expect(at(1799).isDue(short)).toBe(false);
    expect(at(1800).isDue(short)).toBe(true);
    const slow = at(1399);
    slow.observeRoundTrip(200);
    expect(slow.isDue(short)).toBe(false);
    expect(new SessionClock(60_000, () => 1400).isDue(short)).toBe(false);
    const slower = at(1000);
    slower.observeRoundTrip(900);
    expect(slower.isDue(short)).toBe(true);
  });

  test('an unreadable token is always due, and so is any token once the clock is turned back', () => {
    expect(at(0).isDue(session(0, 0))).toBe(true);
    let now = 10_000;
    const clock = new SessionClock(60_000, () => now);
    const day = session(0, 86_400_000);
    expect(clock.isDue(day)).toBe(false);
    now = 5000;
    expect(clock.isDue(day)).toBe(true);
    expect(clock.isDue(day)).toBe(false);
  });
});

describe('stored values', () => {
  test('round trip, with the reason; anything else is invalid', () => {
    const stored = storedSessionFrom(tokenFields('x.y.z'), 'guest');
    const community = 'https://api.bettermode.com community.bettermode.io';
    expect(parseStoredValue(serializeSession(stored, 'guest', community))).toEqual({
      session: stored,
      reason: 'guest',
      community,
    });
    expect(parseStoredValue(serializeSession(null, 'logout', community))).toEqual({
      session: null,
      reason: 'logout',
      community,
    });
    expect(parseStoredValue(null)).toEqual({ session: null, reason: 'logout', community: null });
    for (const text of [
      '{',
      'null',
      '{"v":2}',
      '{"v":1,"reason":"login","session":null}',
      '{"v":2,"reason":"login","session":{"kind":"member"}}',
      '{"v":3,"reason":"login","session":null}',
    ]) {
      expect(parseStoredValue(text)).toBe('invalid');
    }
  });
});

test('an endpoint in a stored member or guest session is dropped; only an app session keeps its gateway', () => {
  const community = 'https://api.bettermode.com community.bettermode.io';
  const member = { ...storedSessionFrom(tokenFields('x.y.z'), 'member'), endpoint: 'https://attacker.example/graphql' };
  const parsed = parseStoredValue(serializeSession(member, 'login', community));
  expect(parsed !== 'invalid' && parsed.session?.endpoint).toBeUndefined();
  const app = { ...member, kind: 'app' as const, endpoint: 'https://gateway.example/graphql' };
  const parsedApp = parseStoredValue(serializeSession(app, 'login', community));
  expect(parsedApp !== 'invalid' && parsedApp.session?.endpoint).toBe('https://gateway.example/graphql');
});
