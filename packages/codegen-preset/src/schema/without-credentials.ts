/** A URL fit to print: `https://user:secret@host/path` becomes `https://host/path`. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL: nothing recognisable to cut, but nothing that looks like credentials either.
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}
