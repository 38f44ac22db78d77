import { SignJWT } from 'jose';
import { expect, test } from 'vitest';
import { decodeJwtClaims } from './decode-jwt-claims';

test('reads the claims of a JWT, as jose does, without verifying it', async () => {
  const token = await new SignJWT({ id: 'm1', name: 'Zoë ✓', roleType: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(1_800_000_000.5)
    .setExpirationTime(1_800_003_600.5)
    .sign(new TextEncoder().encode('k'.repeat(32)));
  expect(decodeJwtClaims(token)).toEqual({
    id: 'm1',
    name: 'Zoë ✓',
    roleType: 'admin',
    iat: 1_800_000_000.5,
    exp: 1_800_003_600.5,
  });
});

test('anything else is refused', () => {
  for (const text of ['', 'abc', 'a.b.c', 'a.WzEsMl0.c', 'a.bnVsbA.c']) expect(() => decodeJwtClaims(text)).toThrow();
});
