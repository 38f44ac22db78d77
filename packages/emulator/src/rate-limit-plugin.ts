import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { queryTooComplex, requestLimitReached } from './emulator-errors';
import type { EmulatorContext } from './emulator-schema';
import type { EmulatorStatsCounter } from './emulator-stats';
import { queryComplexity } from './query-complexity';

/** Bettermode-style rate limits: requests and complexity per token, in a fixed window. */
export interface RateLimit {
  /** Requests allowed per window and token. @defaultValue unlimited */
  requestsPer10s?: number;
  /** Complexity (as `extensions.complexity` reports it) allowed per window and token. @defaultValue unlimited */
  complexityPer10s?: number;
  /** The window. @defaultValue 10 */
  windowSeconds?: number;
  /**
   * How a refusal is answered: HTTP 429 with `Retry-After` (seconds), or HTTP 200 with a GraphQL
   * error of code `104` and `extensions.retryAfterMs`. @defaultValue 'http-429'
   */
  answer?: 'http-429' | 'graphql-error';
}

interface Window {
  startedAt: number;
  requests: number;
  complexity: number;
}

/**
 * Reports every operation's cost in `extensions.complexity`, refuses a query over
 * `maxQueryComplexity` before it runs and, when `limit` is set, refuses
 * operations over the window's budget of their token (or, without a token, of the anonymous
 * bucket). A refused operation uses none of the budget.
 */
export function rateLimitPlugin(
  limit: RateLimit | undefined,
  stats: EmulatorStatsCounter,
  maxQueryComplexity = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): Plugin<EmulatorContext> {
  const windows = new Map<string, Window>();
  const windowMs = (limit?.windowSeconds ?? 10) * 1000;

  const admit = (args: ExecutionArgs, cost: number): ReturnType<typeof requestLimitReached> | undefined => {
    if (!limit || (limit.requestsPer10s === undefined && limit.complexityPer10s === undefined)) return undefined;
    const key = (args.contextValue as EmulatorContext).caller?.claims.sid ?? 'anonymous';
    const at = now();
    let window = windows.get(key);
    if (!window || window.startedAt + windowMs <= at) {
      if (windows.size > 10_000) windows.clear();
      window = { startedAt: at, requests: 0, complexity: 0 };
      windows.set(key, window);
    }
    const overRequests = limit.requestsPer10s !== undefined && window.requests + 1 > limit.requestsPer10s;
    const overComplexity = limit.complexityPer10s !== undefined && window.complexity + cost > limit.complexityPer10s;
    if (!overRequests && !overComplexity) {
      window.requests += 1;
      window.complexity += cost;
      return undefined;
    }
    stats.countRateLimited();
    const retryAfterMs = window.startedAt + windowMs - at;
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return limit.answer === 'graphql-error'
      ? requestLimitReached(retryAfterMs)
      : requestLimitReached(seconds * 1000, { status: 429, headers: { 'retry-after': String(seconds) } });
  };

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = queryComplexity(args.document, args.operationName, args.variableValues);
      if (cost > maxQueryComplexity) {
        // Refused before it runs, and counted against no budget.
        setResultAndStopExecution({
          errors: [queryTooComplex(cost, maxQueryComplexity)],
          extensions: { complexity: 0 },
        });
        return undefined;
      }
      const refusal = admit(args, cost);
      if (refusal) {
        setResultAndStopExecution({ errors: [refusal], extensions: { complexity: 0 } });
        return undefined;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if ('data' in result || 'errors' in result) {
            const single = result as ExecutionResult;
            setResult({ ...single, extensions: { ...single.extensions, complexity: cost } });
          }
        },
      };
    },
  };
}
