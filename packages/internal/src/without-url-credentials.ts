/**
 * A text with the `user:password@` part of every URL in it removed, fit to print: for a
 * configured URL, and for error messages, which quote the URL they refused (fetch does, for a URL
 * with credentials). A password may itself hold `@`: everything up to the last `@` before the
 * host goes.
 */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\/\/[^/\s]*@/g, '//');
}
