import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument, NetworkPublicInfoDocument } from '@bettermode-kit/operations';
import { expect, test } from 'vitest';
import { createBettermodeClient } from './index';
import { nodeHttpFetch } from './node';

test('the client over nodeHttpFetch: one tokens request for 50 concurrent operations, login, member token', async () => {
  const emulator = await startEmulator();
  const transport = nodeHttpFetch();
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain, fetch: transport });
  try {
    await Promise.all(Array.from({ length: 50 }, () => bm.query(NetworkPublicInfoDocument, {})));
    expect(emulator.stats().byField.tokens).toBe(1);
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    expect((await bm.query(AuthMemberDocument, {})).authMember.username).toBe('bettermodeuser');
    expect(emulator.stats().unauthorized).toBe(0);
  } finally {
    bm.close();
    transport.close();
    await emulator.stop();
  }
});

test('answers a standard Response with status, headers and body', async () => {
  const emulator = await startEmulator();
  const transport = nodeHttpFetch();
  try {
    const response = await transport(emulator.url.replace('/graphql', '/__emulator/stats'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ requests: 0, byField: {}, unauthorized: 0 });
  } finally {
    transport.close();
    await emulator.stop();
  }
});

test('refuses what it cannot send, and an already aborted signal', async () => {
  const transport = nodeHttpFetch();
  await expect(transport('ftp://example.com/')).rejects.toThrow(/speaks http and https, not ftp:/);
  await expect(transport('http://127.0.0.1:9/', { method: 'POST', body: new Blob(['x']) })).rejects.toThrow(/string or Uint8Array bodies only/);
  const aborted = AbortSignal.abort(new DOMException('stop', 'AbortError'));
  await expect(transport('http://127.0.0.1:9/', { signal: aborted })).rejects.toMatchObject({ name: 'AbortError' });
  transport.close();
});
