/** What a browser keeps of `Set-Cookie`: name to value, with the attributes of the last write. */
export class CookieJar {
  readonly cookies = new Map<string, { value: string; attributes: string }>();

  /** Takes a response's `Set-Cookie` headers (Max-Age=0 removes). */
  take(response: Response): string[] {
    const written = response.headers.getSetCookie();
    for (const line of written) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals);
      // Attribute names are case-insensitive (frameworks write `max-age` or `Max-Age`).
      if (attributes.some((attribute) => /^max-age=0$/i.test(attribute))) this.cookies.delete(name);
      else this.cookies.set(name, { value: pair.slice(equals + 1), attributes: attributes.join('; ') });
    }
    return written;
  }

  /** The `Cookie` header to send. */
  header(): string {
    return [...this.cookies].map(([name, { value }]) => `${name}=${value}`).join('; ');
  }

  copy(): CookieJar {
    const copy = new CookieJar();
    for (const [name, cookie] of this.cookies) copy.cookies.set(name, { ...cookie });
    return copy;
  }
}
