/**
 * A URL, or a message quoting one, fit to print: `https://user:secret@host/path` becomes
 * `https://host/path`, wherever it stands in the text.
 */
export function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}
