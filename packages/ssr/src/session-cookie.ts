import { base64url, fromBase64url } from './successor-box';

/** Refuses bytes that are not UTF-8 (a tampered cookie reads as no session); one call at a time holds no state. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The longest cookie value written; browsers keep at most 4,096 bytes of name and value. */
const maxChunkChars = 3800;
/** More chunks than this is no cookie of ours. */
const maxChunks = 12;

/** How the session cookie is written. */
export interface CookieAttributes {
  name: string;
  secure: boolean;
  sameSite: 'Lax' | 'Strict' | 'None';
  maxAgeSeconds: number;
}

/** The request's cookies, by name (the first of a repeated name wins, as browsers send the most specific first). */
export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    const name = part.slice(0, equals).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(equals + 1).trim());
  }
  return cookies;
}

/**
 * The session value in the request's cookies: `name` = `<generation>.<data>`, or, for a value too
 * large for one cookie, `name.0`, `name.1`, … each `<generation>.<count>.<data>`. Chunks of two
 * writes (two responses racing) never mix: mixed generations, a missing chunk or anything
 * unreadable is no session (a guest), never an error.
 */
export function readSessionCookie(cookies: Map<string, string>, name: string): string | null {
  const candidates: { generation: string; value: string }[] = [];
  const single = cookies.get(name);
  if (single !== undefined) {
    // `<generation>.<data>`: one dot, something on both sides (read without splitting the value).
    const dot = single.indexOf('.');
    if (dot > 0 && dot < single.length - 1 && single.indexOf('.', dot + 1) < 0)
      candidates.push({ generation: single.slice(0, dot), value: single.slice(dot + 1) });
  }
  const first = cookies.get(`${name}.0`);
  if (first !== undefined) {
    const [generation, count] = first.split('.');
    const total = Number(count);
    if (generation && Number.isInteger(total) && total > 0 && total <= maxChunks) {
      let data = '';
      for (let index = 0; index < total; index += 1) {
        const parts = cookies.get(`${name}.${index}`)?.split('.');
        if (!parts || parts.length !== 3 || parts[0] !== generation || parts[1] !== count) {
          data = '';
          break;
        }
        data += parts[2];
      }
      if (data) candidates.push({ generation, value: data });
    }
  }
  // Both forms present (two responses raced): the later write wins.
  candidates.sort((a, b) => generationTime(b.generation) - generationTime(a.generation));
  const chosen = candidates[0];
  if (!chosen) return null;
  const known = decodedValues.get(chosen.value);
  if (known !== undefined) return known;
  let decoded: string | null;
  try {
    decoded = utf8.decode(fromBase64url(chosen.value));
  } catch {
    decoded = null;
  }
  if (decodedValues.size >= decodedValuesKept) decodedValues.delete(decodedValues.keys().next().value as string);
  decodedValues.set(chosen.value, decoded);
  return decoded;
}

/** A member's requests carry the same cookie until it changes: the last few are kept decoded. */
const decodedValuesKept = 64;
const decodedValues = new Map<string, string | null>();

/** One cookie to write: a value to keep, or `''` with `maxAgeSeconds: 0` to clear. */
export interface CookieWrite {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

/**
 * The cookies that store `value` (or clear the session for null), clearing the request's cookies
 * of ours that the new value does not use.
 */
export function sessionCookieWrites(
  value: string | null,
  attributes: CookieAttributes,
  requestCookies: Map<string, string>,
): CookieWrite[] {
  const { name, maxAgeSeconds } = attributes;
  const writes: CookieWrite[] = [];
  if (value !== null) {
    const generation = newGeneration();
    const data = base64url(new TextEncoder().encode(value));
    if (data.length + generation.length + 1 <= maxChunkChars) {
      writes.push({ name, value: `${generation}.${data}`, maxAgeSeconds });
    } else {
      const size = maxChunkChars - generation.length - 8;
      const count = Math.ceil(data.length / size);
      if (count > maxChunks) throw new RangeError(`the session is too large for ${maxChunks} cookies`);
      for (let index = 0; index < count; index += 1) {
        const chunk = data.slice(index * size, (index + 1) * size);
        writes.push({ name: `${name}.${index}`, value: `${generation}.${count}.${chunk}`, maxAgeSeconds });
      }
    }
  }
  const written = new Set(writes.map((write) => write.name));
  for (const existing of requestCookies.keys()) {
    if (!written.has(existing) && isOurs(existing, name)) writes.push({ name: existing, value: '', maxAgeSeconds: 0 });
  }
  return writes;
}

/** Whether a cookie name is the session cookie or one of its chunks. */
export function isOurs(cookieName: string, name: string): boolean {
  return cookieName === name || (cookieName.startsWith(`${name}.`) && /^\d+$/.test(cookieName.slice(name.length + 1)));
}

/** A `Set-Cookie` value. */
export function serializeCookie(write: CookieWrite, attributes: CookieAttributes): string {
  const parts = [`${write.name}=${write.value}`, 'Path=/', 'HttpOnly', `SameSite=${attributes.sameSite}`];
  parts.push(`Max-Age=${write.maxAgeSeconds}`);
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The request's `Cookie` header as it reads after `writes`: what a framework forwards to the rest of the request. */
export function rewriteCookieHeader(requestCookies: Map<string, string>, writes: CookieWrite[]): string {
  const cookies = new Map(requestCookies);
  for (const write of writes) {
    if (write.maxAgeSeconds === 0) cookies.delete(write.name);
    else cookies.set(write.name, write.value);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A generation: the time of the write (to pick the later of two) and a random part (to tell two apart). */
function newGeneration(): string {
  const random = base64url(crypto.getRandomValues(new Uint8Array(4)));
  return `${Date.now().toString(36)}~${random}`;
}

function generationTime(generation: string): number {
  const time = parseInt(generation.split('~')[0] ?? '', 36);
  return Number.isFinite(time) ? time : 0;
}
