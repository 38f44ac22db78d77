/**
 * Variables the operation does not declare (the server ignores them) that make otherwise
 * identical queries distinct requests: urql shares identical queries that are in flight.
 */
export function distinct(requestId: number): Record<string, never> {
  return { requestId } as unknown as Record<string, never>;
}
