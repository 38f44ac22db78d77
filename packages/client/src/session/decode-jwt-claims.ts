/**
 * The claims of a JWT, decoded and never verified: only the server can verify a token; the
 * client reads `exp` and `iat` to schedule refreshes. Throws when the text is not a JWT.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new TypeError('not a JWT');
  const binary = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new TypeError('not a JWT');
  return claims as Record<string, unknown>;
}
