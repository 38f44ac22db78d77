/** One GraphQL-over-HTTP POST, as the client sends it. */
export interface TransportRequest {
  url: string;
  /** The JSON body, already serialized. */
  body: string;
  headers: Record<string, string>;
  /** The whole exchange (connect, send, headers and body) must end within this. */
  timeoutMs: number;
  /** Safe to send twice (a query): a transport may then resend it once when a kept-alive connection was closed under it. */
  idempotent?: boolean;
  /** Filled in by the transport: cancels this request (a torn-down operation, a closed client). */
  ticket?: CancelTicket;
}

/** A handle the transport fills in while a request is in flight. */
export interface CancelTicket {
  cancel?: () => void;
  /** Set by the caller when it cancelled the request. */
  cancelled?: boolean;
}

/** An HTTP answer, body read in full. */
export interface TransportResponse {
  status: number;
  body: string;
  contentType: string | null;
  retryAfter: string | null;
}

/** Sends requests; `close()` drops idle connections so nothing keeps a process alive. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** Why a request got no answer. */
export type TransportFailureReason = 'timeout' | 'network' | 'cancelled';

/**
 * A request that got no HTTP answer. Recognised by {@link isTransportFailure} rather than
 * `instanceof`, since each transport may be bundled on its own.
 */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  readonly transportFailure: TransportFailureReason;

  constructor(reason: TransportFailureReason, cause?: unknown) {
    super(
      reason === 'timeout'
        ? 'The request timed out'
        : reason === 'cancelled'
          ? 'The request was cancelled'
          : 'The request failed',
      cause === undefined ? undefined : { cause },
    );
    this.transportFailure = reason;
  }
}

export function isTransportFailure(error: unknown): error is TransportFailure {
  return (
    typeof error === 'object' && error !== null && typeof (error as TransportFailure).transportFailure === 'string'
  );
}
