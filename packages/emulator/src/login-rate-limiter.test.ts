import { expect, test } from 'vitest';
import { LoginRateLimiter } from './login-rate-limiter';

test('locks a login after maxFailures within the window, and unlocks after the lockout', () => {
  let now = 0;
  const limiter = new LoginRateLimiter({ maxFailures: 3, windowSeconds: 60, lockoutSeconds: 30 }, () => now);
  limiter.recordFailure('ada');
  limiter.recordFailure('ada');
  expect(limiter.retryAfterSeconds('ada')).toBe(0);
  limiter.recordFailure('ada');
  expect(limiter.retryAfterSeconds('ada')).toBe(30);
  expect(limiter.retryAfterSeconds('grace')).toBe(0);
  now = 29_500;
  expect(limiter.retryAfterSeconds('ada')).toBe(1);
  now = 30_000;
  expect(limiter.retryAfterSeconds('ada')).toBe(0);
});

test('failures older than the window do not count, and a success clears them', () => {
  let now = 0;
  const limiter = new LoginRateLimiter({ maxFailures: 2, windowSeconds: 60, lockoutSeconds: 30 }, () => now);
  limiter.recordFailure('ada');
  now = 61_000;
  limiter.recordFailure('ada');
  expect(limiter.retryAfterSeconds('ada')).toBe(0);
  limiter.recordSuccess('ada');
  limiter.recordFailure('ada');
  expect(limiter.retryAfterSeconds('ada')).toBe(0);
});
