'use client';

import { InvalidCredentialsError, RateLimitedError } from '@bettermode-kit/client';
import { useLogin } from '@bettermode-kit/react';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';

function describe(error: Error): string {
  if (error instanceof InvalidCredentialsError) return 'Wrong username, email or password.';
  if (error instanceof RateLimitedError)
    return `Too many attempts: try again in ${Math.ceil((error.retryAfterMs ?? 10_000) / 1000)} s.`;
  return error.message;
}

export function LoginForm() {
  const { login, pending, error } = useLogin();
  const router = useRouter();
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await login({ usernameOrEmail: String(form.get('usernameOrEmail')), password: String(form.get('password')) });
      // The server components render again, now with the member.
      router.refresh();
    } catch {
      // Shown from useLogin's error.
    }
  };
  return (
    <section data-testid="guest-view">
      <h2>Log in</h2>
      <form onSubmit={submit}>
        <label>
          Username or email
          <input name="usernameOrEmail" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending}>
          {pending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      {error && (
        <p role="alert" data-testid="login-error">
          {describe(error)}
        </p>
      )}
    </section>
  );
}
