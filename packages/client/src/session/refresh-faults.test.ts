import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { createBettermodeClient, HttpError, SessionExpiredError, TimeoutError, type BettermodeClient } from '../index';
import { startFaultProxy } from '../../../../testing/fault-proxy';
import { transports } from '../test-support/transports';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const timeoutMs = 1500;

async function untilDue(bm: BettermodeClient): Promise<void> {
  const session = await bm.getSession();
  await delay(Math.max(0, (session?.expiresAt.getTime() ?? 0) - Date.now() - 100));
}

describe.each(transports)('a refresh that goes wrong keeps the member session (%s)', (_name, fetchOption) => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  beforeAll(async () => {
    emulator = await startEmulator({ accessTokenTtlSeconds: 2 });
    proxy = await startFaultProxy(emulator.url);
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });
  const client = () =>
    createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      requestTimeoutMs: timeoutMs,
      fetch: fetchOption,
    });

  test('its answer stalls after the headers: TimeoutError after requestTimeoutMs, then the next operation works', async () => {
    const bm = client();
    await bm.login(member);
    await untilDue(bm);
    emulator.resetStats();
    proxy.setFault('refresh-stall-answer', { once: true });
    const started = performance.now();
    const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsed).toBeLessThan(timeoutMs + 500);
    // The server did rotate; the client retries with the same refresh token and the reuse interval answers it.
    expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    expect(emulator.stats()).toMatchObject({ refreshes: 1, reuseGraceAnswers: 1, revokedByReuse: 0 });
    bm.close();
  });

  test('its answer is dropped after the server rotated: the same token once more, nothing fails', async () => {
    const bm = client();
    await bm.login(member);
    await untilDue(bm);
    emulator.resetStats();
    proxy.setFault('refresh-drop-answer', { once: true });
    expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    expect(emulator.stats()).toMatchObject({ refreshes: 1, reuseGraceAnswers: 1, revokedByReuse: 0 });
    expect((await bm.getSession())?.kind).toBe('member');
    bm.close();
  });

  test("a proxy's HTML 401 to the refresh is an HttpError, not Bettermode's refusal: the session stays", async () => {
    const bm = client();
    await bm.login(member);
    await untilDue(bm);
    proxy.setFault('refresh-html-401', { once: true });
    const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).not.toBeInstanceOf(SessionExpiredError);
    expect(error).toMatchObject({ status: 401, code: 'HTTP_ERROR' });
    expect((await bm.getSession())?.kind).toBe('member');
    expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    bm.close();
  });
});

test('a throwing onSessionChange listener is reported once and changes nothing', async () => {
  const emulator = await startEmulator();
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const bm = createBettermodeClient({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    onSessionChange: () => {
      throw new TypeError('listener bug');
    },
  });
  try {
    const session = await bm.login(member);
    expect(session.kind).toBe('member');
    expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    await bm.logout();
    expect(await bm.getSession()).toBeNull();
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
      '@bettermode-kit/client: an onSessionChange listener threw (TypeError); the session change stands',
    ]);
  } finally {
    bm.close();
    await emulator.stop();
  }
});
