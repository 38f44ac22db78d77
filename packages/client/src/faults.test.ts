import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createBettermodeClient,
  HttpError,
  InvalidResponseError,
  NetworkError,
  TimeoutError,
  type BettermodeClient,
} from './index';
import { startFaultProxy, type Fault } from '../../../testing/fault-proxy';
import { transports } from './test-support/transports';

describe.each(transports)('faults give typed errors and the session survives (%s)', (_name, fetchOption) => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let bm: BettermodeClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    proxy = await startFaultProxy(emulator.url);
    bm = createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      requestTimeoutMs: 1500,
      fetch: fetchOption,
    });
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
  });
  afterAll(async () => {
    bm.close();
    await proxy.stop();
    await emulator.stop();
  });

  const cases: [Fault, new (...args: never[]) => Error, Record<string, unknown>][] = [
    ['http-500', HttpError, { code: 'HTTP_ERROR', status: 500 }],
    ['html-502', HttpError, { code: 'HTTP_ERROR', status: 502 }],
    ['truncated-json', InvalidResponseError, { code: 'INVALID_RESPONSE', status: 200 }],
    ['empty-200', InvalidResponseError, { code: 'INVALID_RESPONSE', status: 200 }],
    ['hang', TimeoutError, { code: 'TIMEOUT' }],
    ['stall-body', TimeoutError, { code: 'TIMEOUT' }],
    ['reset', NetworkError, { code: 'NETWORK_ERROR' }],
  ];

  for (const [fault, errorClass, fields] of cases) {
    test(`${fault}: ${errorClass.name}`, async () => {
      emulator.resetStats();
      proxy.setFault(fault);
      const started = performance.now();
      const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
      const elapsed = performance.now() - started;
      proxy.setFault('none');
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject(fields);
      // A timeout comes at requestTimeoutMs, never at Node's own limits (minutes).
      if (errorClass === TimeoutError) expect(elapsed).toBeLessThan(1500 + 500);
      expect((error as Error).message).not.toMatch(/<html|502 Bad Gateway<\/h1>/);
      // The member session is intact: the next operation works with no new token or login.
      expect((await bm.getSession())?.kind).toBe('member');
      expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
      expect(emulator.stats().byField).toEqual({ authMember: 1 });
    });
  }
});

test.each(transports)(
  'server down: NetworkError naming the cause, and no session is invented (%s)',
  async (_name, fetchOption) => {
    const emulator = await startEmulator();
    const url = emulator.url;
    await emulator.stop();
    const bm = createBettermodeClient({ endpoint: url, networkDomain: 'community.bettermode.io', fetch: fetchOption });
    const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', message: 'Could not reach Bettermode (ECONNREFUSED)' });
    expect(await bm.getSession()).toBeNull();
    bm.close();
  },
);
