/**
 * A text with the `user:password@` part of every URL in it removed: for a configured URL, and for
 * error messages, which quote the URL they refused (fetch does, for a URL with credentials).
 */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}
