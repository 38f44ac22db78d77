/**
 * Wraps a fetch so that every request is aborted after `timeoutMs`, whatever the caller's own
 * signal says. One AbortController and one unref'd timer a request: cheaper than
 * `AbortSignal.timeout` joined with `AbortSignal.any`, and nothing that keeps a process alive.
 */
export function timeoutFetch(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const callerSignal = init?.signal;
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forwardAbort();
    else callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException('The request timed out', 'TimeoutError')), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
    try {
      return await fetchImpl(input, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }
  };
}
