import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { createBettermodeClient, memoryStorage } from './index';
import { startFaultProxy } from './testing/fault-proxy';
import { readStoredSession } from './testing/stored-session';

const password = 'bettermodepassword';
const wrongPassword = 'wrong-password-value';
let printed: string[] = [];
const restore: (() => void)[] = [];

beforeEach(() => {
  printed = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => void printed.push(args.map((arg) => (arg instanceof Error ? `${arg.stack}` : String(arg))).join(' '));
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
  const bm = createBettermodeClient({ endpoint: proxy.url, networkDomain: emulator.networkDomain, storage, requestTimeoutMs: 2000 });
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
        return [String(value), value.stack ?? '', JSON.stringify(value), String(value.cause), JSON.stringify(value.graphQLErrors ?? null)];
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
