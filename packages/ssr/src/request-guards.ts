import { readLimitedBody } from '@bettermode-kit/internal';

/** The origin the app is served at, as the browser sees it (behind a proxy too). */
export function ownOrigin(request: Request, proto = requestProto(request)): string {
  const host =
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ||
    request.headers.get('host') ||
    hostOf(request.url);
  return `${proto}://${host}`;
}

/** The host of an absolute URL as `Request.url` holds it: normalized, and never with credentials (fetch refuses them). */
function hostOf(url: string): string {
  const start = url.indexOf('//') + 2;
  const end = url.indexOf('/', start);
  return url.slice(start, end < 0 ? undefined : end).toLowerCase();
}

/** The scheme the browser used: as a proxy in front of the app says, else the request's own. */
export function requestProto(request: Request): 'https' | 'http' {
  // request.url is absolute and normalized (a lower-case scheme): no URL parse on every request.
  return forwardedProto(request) ?? (request.url.startsWith('https:') ? 'https' : 'http');
}

/** `https` or `http` as a proxy in front of the app says, if it says. */
function forwardedProto(request: Request): 'https' | 'http' | undefined {
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' || proto === 'http' ? proto : undefined;
}

/**
 * Whether a state-changing request comes from the app's own pages (or an allowed origin). A
 * browser sends `Origin` on every POST, and `Sec-Fetch-Site`; a request with neither is not a
 * browser's (a server, a script), so no page can have forged it.
 */
export function isSameOrigin(request: Request, allowedOrigins: readonly string[], proto?: 'https' | 'http'): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== 'null')
    return origin === ownOrigin(request, proto) || allowedOrigins.includes(origin);
  if (origin === 'null') return false;
  const site = request.headers.get('sec-fetch-site');
  return site === null || site === 'same-origin' || site === 'none';
}

/** The body as text, or null past `maxBytes` (read no further than that). */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string | null> {
  const body = await readLimitedBody(request, maxBytes);
  return body === 'too-large' ? null : utf8.decode(body);
}

const utf8 = new TextDecoder();
