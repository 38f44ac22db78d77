import { expect, test } from 'vitest';
import {
  parseCookies,
  readSessionCookie,
  rewriteCookieHeader,
  serializeCookie,
  sessionCookieWrites,
  type CookieAttributes,
} from './session-cookie';

/** The `Set-Cookie` values of a write. */
const sessionCookieHeaders = (value: string | null, attributes: CookieAttributes, request: Map<string, string>) =>
  sessionCookieWrites(value, attributes, request).map((write) => serializeCookie(write, attributes));

const attributes: CookieAttributes = { name: 'bm_session', secure: false, sameSite: 'Lax', maxAgeSeconds: 60 };
const large = JSON.stringify({ token: 'é'.repeat(10) + 'x'.repeat(6 * 1024) });

/** The request a browser sends after taking `setCookies`. */
function cookieHeader(...setCookies: string[][]): string {
  const jar = new Map<string, string>();
  for (const lines of setCookies)
    for (const line of lines) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      if (line.includes('Max-Age=0')) jar.delete(name);
      else jar.set(name, value);
    }
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

test('a small value is one cookie; a 6 KB value is chunks under 4,096 bytes each, and both read back', () => {
  const small = sessionCookieHeaders('{"small":true}', attributes, new Map());
  expect(small).toHaveLength(1);
  expect(readSessionCookie(parseCookies(cookieHeader(small)), 'bm_session')).toBe('{"small":true}');

  const chunks = sessionCookieHeaders(large, attributes, new Map());
  expect(chunks.length).toBeGreaterThan(1);
  for (const chunk of chunks) expect(new TextEncoder().encode(chunk.split(';')[0]).length).toBeLessThan(4096);
  expect(readSessionCookie(parseCookies(cookieHeader(chunks)), 'bm_session')).toBe(large);
});

test('chunks of two writes never mix: a chunk of another generation, or a missing one, reads as no session', () => {
  const first = sessionCookieHeaders(large, attributes, new Map());
  const second = sessionCookieHeaders(large.replace('x', 'y'), attributes, new Map());
  const mixed = cookieHeader([first[0] as string, ...second.slice(1)]);
  expect(readSessionCookie(parseCookies(mixed), 'bm_session')).toBeNull();
  const missing = cookieHeader(first.slice(0, -1));
  expect(readSessionCookie(parseCookies(missing), 'bm_session')).toBeNull();
});

test('a single cookie and chunks side by side (two responses raced): the later write wins', async () => {
  const chunks = sessionCookieHeaders(large, attributes, new Map());
  await new Promise((resolve) => setTimeout(resolve, 5));
  const single = sessionCookieHeaders('{"later":true}', attributes, new Map());
  expect(readSessionCookie(parseCookies(cookieHeader(chunks, single)), 'bm_session')).toBe('{"later":true}');
});

test('garbage of every kind reads as no session, never throws', () => {
  for (const header of [
    'bm_session=',
    'bm_session=abc',
    'bm_session=a.b.c',
    'bm_session=.' + Buffer.from('{}').toString('base64url'),
    'bm_session=g.',
    'bm_session=g..' + Buffer.from('{}').toString('base64url'),
    'bm_session=lz.%%%',
    'bm_session.0=g.2.abc',
    'bm_session.0=g.x.abc',
    'bm_session.0=g.99.abc',
    'bm_session=g.' + Buffer.from([0xff, 0xfe]).toString('base64url'),
  ])
    expect(readSessionCookie(parseCookies(header), 'bm_session')).toBeNull();
});

test('writing clears the cookies of ours the new value does not use, and only those', () => {
  const request = parseCookies('bm_session.0=a; bm_session.1=b; bm_session.x=keep; other=keep; bm_sessionx=keep');
  const written = sessionCookieHeaders('{"small":true}', attributes, request);
  expect(written.map((line) => line.split(';')[0])).toEqual([
    'bm_session=' + written[0]?.split(';')[0]?.split('=')[1],
    'bm_session.0=',
    'bm_session.1=',
  ]);
  expect(sessionCookieHeaders(null, { ...attributes, secure: true }, parseCookies('bm_session=a'))).toEqual([
    'bm_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure',
  ]);
});

test('the rewritten Cookie header a framework forwards holds the new session and every other cookie, and reads back', () => {
  const request = parseCookies('theme=dark; bm_session.0=a.2.x; bm_session.1=a.2.y; lang=fr');
  const writes = sessionCookieWrites('{"new":true}', attributes, request);
  const header = rewriteCookieHeader(request, writes);
  expect(header).toMatch(/^theme=dark; lang=fr; bm_session=[^;]+$/);
  expect(readSessionCookie(parseCookies(header), 'bm_session')).toBe('{"new":true}');
  expect(rewriteCookieHeader(request, sessionCookieWrites(null, attributes, request))).toBe('theme=dark; lang=fr');
});
