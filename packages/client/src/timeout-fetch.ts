/**
 * Wraps a fetch so that every request is aborted after `timeoutMs`, whatever the caller's own
 * signal says. The timer belongs to `AbortSignal.timeout`, which never keeps a process alive.
 */
export function timeoutFetch(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return fetchImpl(input, { ...init, signal });
  };
}
