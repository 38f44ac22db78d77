import { afterEach, beforeEach } from 'vitest';

// Shared by every package's tests. A console.error or an unhandled rejection means something
// went wrong that no assertion looked at, so either one fails the test it happened in.

let consoleErrors: unknown[][] = [];
const originalConsoleError = console.error;

beforeEach(() => {
  consoleErrors = [];
  console.error = (...args: unknown[]) => {
    consoleErrors.push(args);
    originalConsoleError(...args);
  };
});

afterEach(() => {
  console.error = originalConsoleError;
  if (consoleErrors.length > 0) {
    throw new Error(`console.error was called ${consoleErrors.length} time(s) during the test`);
  }
});

const unhandled: unknown[] = [];
// One listener per worker process, however many test files it runs; it reports to the file now running.
const worker = globalThis as { __unhandledRejections?: unknown[] };
if (!worker.__unhandledRejections) {
  process.on('unhandledRejection', (reason) => worker.__unhandledRejections?.push(reason));
}
worker.__unhandledRejections = unhandled;

afterEach(async () => {
  // Let rejections from the test's last tick surface before judging.
  await new Promise((resolve) => setImmediate(resolve));
  const seen = unhandled.splice(0);
  if (seen.length > 0) {
    throw new Error(`${seen.length} unhandled rejection(s) during the test: ${String(seen[0])}`);
  }
});
