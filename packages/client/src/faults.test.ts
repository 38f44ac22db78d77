import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBettermodeClient, HttpError, InvalidResponseError, NetworkError, TimeoutError, type BettermodeClient } from './index';
import { nodeHttpFetch } from './node';
import { startFaultProxy, type Fault } from './testing/fault-proxy';

const transports: [string, () => (typeof fetch & { close?: () => void }) | undefined][] = [
  ['global fetch', () => undefined],
  ['nodeHttpFetch', () => nodeHttpFetch()],
];

describe.each(transports)('faults give typed errors and the session survives (%s)', (_name, makeTransport) => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  let bm: BettermodeClient;
  const transport = makeTransport();

  beforeAll(async () => {
    emulator = await startEmulator();
    proxy = await startFaultProxy(emulator.url);
    bm = createBettermodeClient({ endpoint: proxy.url, networkDomain: emulator.networkDomain, requestTimeoutMs: 2000, ...(transport ? { fetch: transport } : {}) });
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
  });
  afterAll(async () => {
    bm.close();
    transport?.close?.();
    await proxy.stop();
    await emulator.stop();
  });

  const cases: [Fault, new (...args: never[]) => Error, Record<string, unknown>][] = [
    ['http-500', HttpError, { code: 'HTTP_ERROR', status: 500 }],
    ['html-502', HttpError, { code: 'HTTP_ERROR', status: 502 }],
    ['truncated-json', InvalidResponseError, { code: 'INVALID_RESPONSE', status: 200 }],
    ['empty-200', InvalidResponseError, { code: 'INVALID_RESPONSE', status: 200 }],
    ['hang', TimeoutError, { code: 'TIMEOUT' }],
    ['reset', NetworkError, { code: 'NETWORK_ERROR' }],
  ];

  for (const [fault, errorClass, fields] of cases) {
    test(`${fault}: ${errorClass.name}`, async () => {
      emulator.resetStats();
      proxy.setFault(fault);
      const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
      proxy.setFault('none');
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toMatchObject(fields);
      expect((error as Error).message).not.toMatch(/<html|502 Bad Gateway<\/h1>/);
      // The member session is intact: the next operation works with no new token or login.
      expect((await bm.getSession())?.kind).toBe('member');
      expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
      expect(emulator.stats().byField).toEqual({ authMember: 1 });
    });
  }
});

test.each(transports)('server down: NetworkError, and no session is invented (%s)', async (_name, makeTransport) => {
  const emulator = await startEmulator();
  const url = emulator.url;
  await emulator.stop();
  const transport = makeTransport();
  const bm = createBettermodeClient({ endpoint: url, networkDomain: 'community.bettermode.io', ...(transport ? { fetch: transport } : {}) });
  const error = await bm.query(AuthMemberDocument, {}).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(NetworkError);
  expect(error).toMatchObject({ code: 'NETWORK_ERROR', message: 'Could not reach Bettermode' });
  expect(await bm.getSession()).toBeNull();
  bm.close();
});
