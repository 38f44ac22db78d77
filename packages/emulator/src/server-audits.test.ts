import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type Emulator } from './index';
import { guestTokenQuery, postGraphql } from './testing/post-graphql';

describe("graphql-http's server audits (GraphQL over HTTP)", () => {
  let emulator: Emulator;
  let guestToken: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    const guest = await postGraphql(emulator.url, guestTokenQuery, { variables: { domain: emulator.networkDomain } });
    guestToken = guest.body.data?.tokens.accessToken;
  });
  // Some audits introspect, which Bettermode allows only with a token: they run as a guest would.
  const fetchAsGuest: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${guestToken}`);
    return fetch(input, { ...init, headers });
  };
  afterAll(async () => {
    await emulator.stop();
  });

  for (const audit of serverAudits({ url: () => emulator.url, fetchFn: fetchAsGuest })) {
    test(audit.name, async () => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    });
  }
});
