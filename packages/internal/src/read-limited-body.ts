/**
 * Reads a fetch `Request`'s body up to `limit` bytes, or answers `'too-large'` as soon as it
 * passes it (a declared `content-length` before reading anything): an unsigned body is never
 * held whole just to be refused.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array | 'too-large'> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return 'too-large';
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  // Most bodies arrive in one chunk: no copy then.
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : joinChunks(chunks, size);
}

/** The chunks of a body as one array of `size` bytes. */
export function joinChunks(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}
