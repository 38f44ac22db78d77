/** A failure of a schema command, with a message fit to print as is (no token inside). */
export class SchemaToolError extends Error {
  override readonly name = 'SchemaToolError';
}
