/**
 * The kinds of operation the client sends. A new kind (a subscription, say) is added here first;
 * {@link isOperationKind} then lets it through the urql exchange, and the executor decides how it
 * is retried and resent.
 */
export type OperationKind = 'query' | 'mutation';

/** Whether urql's operation kind is one the client sends (not a teardown or a subscription). */
export function isOperationKind(kind: string): kind is OperationKind {
  return kind === 'query' || kind === 'mutation';
}
