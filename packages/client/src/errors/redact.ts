const jwtPattern = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const bearerPattern = /((?:Bearer|Basic)\s+)[^\s"',]+/gi;

/**
 * Removes JWT-shaped strings, Bearer and Basic credentials and the given secret values from a
 * text, so that no message built from server or network output can carry a token or a password.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let safe = text.replace(jwtPattern, '[redacted]').replace(bearerPattern, '$1[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 4) safe = safe.split(secret).join('[redacted]');
  }
  return safe;
}

/** {@link redact} applied to every string inside a JSON-like value (e.g. a GraphQL error's `extensions`). */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[redacted]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redactValue(item, secrets, depth + 1);
  return copy;
}
