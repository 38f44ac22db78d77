const jwtPattern = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const bearerPattern = /(Bearer\s+)[^\s"',]+/gi;

/**
 * Removes JWT-shaped strings, Bearer credentials and the given secret values from a text, so
 * that no message built from server or network output can carry a token or a password.
 */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let safe = text.replace(jwtPattern, '[redacted]').replace(bearerPattern, '$1[redacted]');
  for (const secret of secrets) {
    if (secret.length >= 4) safe = safe.split(secret).join('[redacted]');
  }
  return safe;
}
