import { WorkList, type WorkListLinks } from './work-list';
import { TransportFailure, type Transport, type TransportRequest, type TransportResponse } from './transport';

/**
 * The transport on `fetch`: the default in browsers, workers and edge runtimes, and whenever a
 * `fetch` is passed. The body is read before the timer stops, so a stalled body times out too.
 *
 * @param fetchImpl - the fetch to call; resolved at each request when omitted, so a polyfill or a
 * test double installed later is used.
 */
export function fetchTransport(fetchImpl?: typeof fetch): Transport {
  const inFlight = new WorkList<InFlightFetch>();
  return {
    send: (request) => sendWithFetch(fetchImpl ?? globalThis.fetch, request, inFlight),
    close() {
      inFlight.forEach((flight) => flight.fail('cancelled'));
    },
  };
}

/** A fetch in flight, for `close()` to cancel. */
interface InFlightFetch extends WorkListLinks {
  fail(reason: 'timeout' | 'cancelled'): void;
}

function sendWithFetch(
  fetchImpl: typeof fetch,
  request: TransportRequest,
  inFlight: WorkList<InFlightFetch>,
): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const controller = new AbortController();
    let failure: TransportFailure | undefined;
    const fail = (reason: 'timeout' | 'cancelled') => {
      failure ??= new TransportFailure(reason);
      controller.abort(failure);
      // A fetch that ignores its signal must not keep the caller waiting.
      done();
      reject(failure);
    };
    const timer = setTimeout(() => fail('timeout'), request.timeoutMs);
    const flight: InFlightFetch = { previous: undefined, next: undefined, fail };
    const done = () => {
      clearTimeout(timer);
      inFlight.delete(flight);
    };
    inFlight.add(flight);
    if (request.ticket) request.ticket.cancel = () => fail('cancelled');
    (async () => {
      const response = await fetchImpl(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const body = await response.text();
      return {
        status: response.status,
        body,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
      };
    })().then(
      (response) => {
        done();
        resolve(response);
      },
      (error: unknown) => {
        done();
        reject(failure ?? new TransportFailure('network', error));
      },
    );
  });
}
