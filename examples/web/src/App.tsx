import { InvalidCredentialsError, NetworkError, RateLimitedError } from '@bettermode-kit/client';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { useEffect, useState, type FormEvent } from 'react';
import { useLogin, useLogout, useQuery, useSession } from '@bettermode-kit/react';
import type { CombinedError } from 'urql';
import { Feed } from './Feed';

/** How often the views ask again (`?poll=ms`): the page stays current and recovers on its own after an outage. */
const pollMs = Number(new URLSearchParams(location.search).get('poll') ?? 5000);

/** A message a person can act on, whatever went wrong. Errors carry no token or password. */
function describe(error: unknown): string {
  const cause = (error as CombinedError | undefined)?.networkError ?? error;
  if (cause instanceof InvalidCredentialsError) return 'Wrong username, email or password.';
  if (cause instanceof RateLimitedError)
    return `Too many attempts: try again in ${Math.ceil((cause.retryAfterMs ?? 10_000) / 1000)} s.`;
  if (cause instanceof NetworkError) return `${cause.message}; trying again shortly.`;
  return cause instanceof Error ? cause.message : 'Something went wrong.';
}

/** Runs `reexecute` every pollMs, and counts the answers and the failures it sees. */
function usePolling(reexecute: () => void, fetching: boolean, error: CombinedError | undefined) {
  const [counts, setCounts] = useState({ answers: 0, failures: 0 });
  useEffect(() => {
    const timer = setInterval(() => reexecute(), pollMs);
    return () => clearInterval(timer);
  }, [reexecute]);
  useEffect(() => {
    if (!fetching)
      setCounts((before) => ({ answers: before.answers + 1, failures: before.failures + (error ? 1 : 0) }));
  }, [fetching, error]);
  return counts;
}

function NetworkInfo() {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: NetworkPublicInfoDocument,
    requestPolicy: 'network-only',
  });
  usePolling(() => reexecute({ requestPolicy: 'network-only' }), fetching, error);
  return (
    <header>
      <h1 data-testid="network-name">{data?.networkPublicInfo.name ?? 'Bettermode'}</h1>
      {data && (
        <p className="muted">
          {data.networkPublicInfo.domain}, {data.networkPublicInfo.visibility}
        </p>
      )}
      {error && (
        <p role="alert" data-testid="network-error">
          {describe(error)}
        </p>
      )}
    </header>
  );
}

function LoginForm() {
  const { login, pending: busy, error } = useLogin();
  const failure = error ? describe(error) : null;
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // A failure shows from useLogin's error.
    await login({ usernameOrEmail: String(form.get('usernameOrEmail')), password: String(form.get('password')) }).catch(
      () => undefined,
    );
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
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      {failure && (
        <p role="alert" data-testid="login-error">
          {failure}
        </p>
      )}
    </section>
  );
}

function MemberView() {
  const { logout } = useLogout();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: AuthMemberDocument, requestPolicy: 'network-only' });
  const counts = usePolling(() => reexecute({ requestPolicy: 'network-only' }), fetching, error);
  const member = data?.authMember;
  return (
    <section data-testid="member-view">
      <h2 data-testid="member-name">{member?.name ?? '…'}</h2>
      {member && (
        <dl>
          <dt>Username</dt>
          <dd>@{member.username}</dd>
          <dt>Role</dt>
          <dd data-testid="member-role">{member.role?.name ?? 'none'}</dd>
          <dt>Scopes</dt>
          <dd data-testid="member-scopes">{member.role?.scopes.join(', ')}</dd>
        </dl>
      )}
      {error && (
        <p role="alert" data-testid="member-error">
          {describe(error)}
        </p>
      )}
      <p className="muted" data-testid="poll-counts" data-answers={counts.answers} data-failures={counts.failures}>
        Checked {counts.answers} {counts.answers === 1 ? 'time' : 'times'}
        {counts.failures ? `, ${counts.failures} failed` : ''}.
      </p>
      <button type="button" onClick={() => void logout().catch(() => undefined)}>
        Log out
      </button>
    </section>
  );
}

export function App() {
  const session = useSession();
  return (
    <main>
      <NetworkInfo />
      {session === undefined ? (
        <p className="muted">Loading…</p>
      ) : session?.kind === 'member' ? (
        <MemberView key={session.member.id} />
      ) : (
        <LoginForm />
      )}
      {/* Keyed by who is looking: a login or logout shows what that person may see. */}
      {session !== undefined && <Feed key={session?.kind === 'member' ? session.member.id : 'guest'} />}
      <footer className="muted" data-testid="session-kind">
        {session?.kind === 'member' ? `Signed in as ${session.member.name}` : 'Browsing as a guest'}
      </footer>
    </main>
  );
}
