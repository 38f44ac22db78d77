/** The headers of urql-style `fetchOptions` (an object or a function returning one), as a plain object. */
export function headersOf(fetchOptions: RequestInit | (() => RequestInit)): Record<string, string> | undefined {
  const extra = (typeof fetchOptions === 'function' ? fetchOptions() : fetchOptions).headers;
  if (!extra) return undefined;
  const headers: Record<string, string> = {};
  new Headers(extra).forEach((value, name) => (headers[name] = value));
  return headers;
}
