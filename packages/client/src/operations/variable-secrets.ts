/** Variables whose names say they hold a secret; their values are cut out of errors. */
const secretVariableName = /pass|secret|token/i;

/** Values of variables whose names say they are secret (a password, a token), to cut out of errors. */
export function variableSecrets(variables: unknown, found: string[] = [], depth = 0): string[] {
  if (typeof variables !== 'object' || variables === null || depth > 4) return found;
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string' && secretVariableName.test(name)) found.push(value);
    else variableSecrets(value, found, depth + 1);
  }
  return found;
}
