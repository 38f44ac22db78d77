import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createBettermodeClient, memoryStorage } from './index';
import { startFaultProxy } from '../../../testing/fault-proxy';
import { readStoredSession } from './test-support/stored-session';
import { createUrqlClient } from './urql';
import { transports } from './test-support/transports';
import { inspect } from 'node:util';

const password = 'bettermodepassword';
const wrongPassword = 'wrong-password-value';
let printed: string[] = [];
const restore: (() => void)[] = [];

beforeEach(() => {
  printed = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) =>
      void printed.push(args.map((arg) => (arg instanceof Error ? `${arg.stack}` : String(arg))).join(' '));
    restore.push(() => (console[method] = original));
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    }) as typeof stream.write;
    restore.push(() => (stream.write = original));
  }
});
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

test('no token or password appears in anything printed, thrown or stacked', async () => {
  const emulator = await startEmulator();
  const proxy = await startFaultProxy(emulator.url);
  const storage = memoryStorage();
  const bm = createBettermodeClient({
    endpoint: proxy.url,
    networkDomain: emulator.networkDomain,
    storage,
    requestTimeoutMs: 2000,
  });
  const secrets = new Set<string>([password, wrongPassword]);
  const rememberTokens = async () => {
    const session = await readStoredSession(storage);
    if (!session) return;
    secrets.add(session.accessToken);
    secrets.add(session.refreshToken);
  };
  const thrown: unknown[] = [];
  const attempt = async (work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      thrown.push(error);
    }
    await rememberTokens();
  };

  try {
    await attempt(() => bm.login({ usernameOrEmail: 'bettermodeuser', password: wrongPassword }));
    await attempt(() => bm.login({ usernameOrEmail: 'bettermodeuser', password }));
    for (const fault of ['http-500', 'html-502', 'truncated-json', 'hang', 'reset', 'always-unauthorized'] as const) {
      proxy.setFault(fault);
      await attempt(() => bm.query(AuthMemberDocument, {}));
    }
    proxy.setFault('none');
    await attempt(() => bm.login({ usernameOrEmail: 'bettermodeuser', password }));
    await attempt(() => bm.logout());
    await attempt(() => bm.query(AuthMemberDocument, {}));
    expect(thrown.length).toBeGreaterThanOrEqual(7);

    const seen = [
      ...printed,
      ...thrown.flatMap((error) => {
        const value = error as Error & { cause?: unknown; graphQLErrors?: unknown };
        return [
          String(value),
          value.stack ?? '',
          JSON.stringify(value),
          String(value.cause),
          JSON.stringify(value.graphQLErrors ?? null),
        ];
      }),
    ].join('\n');
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    for (const secret of secrets) expect(seen.includes(secret), 'a secret value was printed or thrown').toBe(false);
  } finally {
    bm.close();
    await proxy.stop();
    await emulator.stop();
  }
});

test.each(transports)(
  'a token the server echoes in an error appears in no form of the error (%s)',
  async (_name, fetchOption) => {
    const emulator = await startEmulator();
    const proxy = await startFaultProxy(emulator.url);
    const storage = memoryStorage();
    const bm = createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      storage,
      fetch: fetchOption,
    });
    try {
      await bm.login({ usernameOrEmail: 'bettermodeuser', password });
      const session = await readStoredSession(storage);
      const secrets = [session?.accessToken as string, session?.refreshToken as string, 'my-secret-variable-value'];
      proxy.setFault('echo-secrets');
      const variables = { password: 'my-secret-variable-value' } as unknown as Record<string, never>;
      const error = await bm.query(AuthMemberDocument, variables).catch((caught: unknown) => caught);
      const raw = await createUrqlClient(bm).query(AuthMemberDocument, variables).toPromise();
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
      const value = error as Error & { cause?: unknown; graphQLErrors?: unknown };
      const forms = [
        value.message,
        value.stack ?? '',
        String(value.cause),
        JSON.stringify(value.graphQLErrors),
        inspect(value, { depth: Infinity }),
        JSON.stringify(value),
        inspect(raw.error, { depth: Infinity }),
        JSON.stringify(raw.error?.graphQLErrors),
      ];
      expect(forms.join('\n')).toContain('[redacted]');
      for (const secret of secrets)
        for (const form of forms) expect(form.includes(secret), `a secret in ${form.slice(0, 80)}`).toBe(false);
    } finally {
      bm.close();
      await proxy.stop();
      await emulator.stop();
    }
  },
);
