import { expect, test } from 'vitest';
import { LoginRateLimiter, type LoginAttempt } from './login-rate-limiter';

const attempt = (limiter: LoginRateLimiter, bucket: string) => limiter.reserve(bucket) as LoginAttempt;

test('locks a bucket after maxFailures within the window, and unlocks after the lockout', () => {
  let now = 0;
  const limiter = new LoginRateLimiter({ maxFailures: 3, windowSeconds: 60, lockoutSeconds: 30 }, () => now);
  attempt(limiter, 'ada').failed();
  attempt(limiter, 'ada').failed();
  attempt(limiter, 'ada').failed();
  expect(limiter.reserve('ada')).toEqual({ retryAfterSeconds: 30 });
  expect('succeeded' in limiter.reserve('grace')).toBe(true);
  now = 29_500;
  expect(limiter.reserve('ada')).toEqual({ retryAfterSeconds: 1 });
  now = 30_000;
  expect('failed' in limiter.reserve('ada')).toBe(true);
});

test('failures older than the window do not count, and a success clears them', () => {
  let now = 0;
  const limiter = new LoginRateLimiter({ maxFailures: 2, windowSeconds: 60, lockoutSeconds: 30 }, () => now);
  attempt(limiter, 'ada').failed();
  now = 61_000;
  attempt(limiter, 'ada').failed();
  attempt(limiter, 'ada').succeeded();
  attempt(limiter, 'ada').failed();
  expect('failed' in limiter.reserve('ada')).toBe(true);
});

test('attempts in flight count before they end: simultaneous guesses get at most maxFailures tries', () => {
  const limiter = new LoginRateLimiter({ maxFailures: 5, windowSeconds: 60, lockoutSeconds: 60 });
  const reserved = Array.from({ length: 41 }, () => limiter.reserve('ada'));
  const allowed = reserved.filter((each): each is LoginAttempt => 'failed' in each);
  expect(allowed).toHaveLength(5);
  for (const each of allowed) each.failed();
  expect(limiter.reserve('ada')).toEqual({ retryAfterSeconds: 60 });
});

test('ending an attempt twice counts once', () => {
  const limiter = new LoginRateLimiter({ maxFailures: 2, windowSeconds: 60, lockoutSeconds: 60 });
  const first = attempt(limiter, 'ada');
  first.failed();
  first.failed();
  expect('failed' in limiter.reserve('ada')).toBe(true);
});

test('memory stays bounded: logins of any length cost a digest, and at most maxBuckets are remembered', () => {
  const limiter = new LoginRateLimiter({ maxFailures: 5, windowSeconds: 60, lockoutSeconds: 60 });
  const huge = 'x'.repeat(10 * 1024);
  for (let index = 0; index < LoginRateLimiter.maxBuckets + 500; index += 1)
    attempt(limiter, `${huge}${index}`).failed();
  expect(limiter.trackedBuckets).toBeLessThanOrEqual(LoginRateLimiter.maxBuckets);
  // A bucket still counts across attempts: five failures lock it.
  for (let index = 0; index < 4; index += 1) attempt(limiter, `${huge}-again`).failed();
  expect('succeeded' in limiter.reserve(`${huge}-again`)).toBe(true);
});
