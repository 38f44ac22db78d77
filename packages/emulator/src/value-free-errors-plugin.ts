import type { Plugin } from 'graphql-yoga';

const variablePrefix = /^(Variable "\$[_A-Za-z][_0-9A-Za-z]*" got invalid value)/;

/**
 * Removes the values from what graphql-js says about bad input, which would otherwise repeat a
 * variable (a password among them) back to the sender and into logs: e.g.
 * `Variable "$input" got invalid value { password: … }; …` becomes
 * `Variable "$input" got invalid value; Field "usernameOrEmail" of required type "String!" was not provided.`
 */
export function withoutValues(message: string, inner?: string): string {
  const variable = message.match(variablePrefix);
  if (variable) return `${variable[1]}; ${inner === undefined ? "see the variable's type" : withoutValues(inner)}`;
  return message
    .replace(/(cannot represent [^:]*?value): [\s\S]*$/, '$1.')
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*$/, '$1.')
    .replace(/^Value [\s\S]* does not exist in ("[_A-Za-z][_0-9A-Za-z]*" enum)\.?$/, 'Value does not exist in $1.');
}

/** Applies {@link withoutValues} to every error the emulator answers. */
export function valueFreeErrorsPlugin(): Plugin {
  return {
    onResultProcess({ result }) {
      const results = Array.isArray(result) ? result : [result];
      for (const each of results) {
        const errors = (each as { errors?: { message: string; originalError?: { message?: string } | null }[] }).errors;
        if (!Array.isArray(errors)) continue;
        for (const error of errors) error.message = withoutValues(error.message, error.originalError?.message);
      }
    },
  };
}
