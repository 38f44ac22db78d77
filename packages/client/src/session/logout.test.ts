import { startEmulator } from '@bettermode-kit/emulator';
import { expect, test } from 'vitest';
import { createBettermodeClient } from '../index';
import { startFaultProxy } from '../../../../testing/fault-proxy';

const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };

test('a logout whose access token expires on the way: refreshed and sent again, 0 member sessions left live', async () => {
  // 1 s tokens and no leeway: the logout leaves with a valid token, and a proxy holds it 1.5 s,
  // so the server reads an expired one.
  const emulator = await startEmulator({ accessTokenTtlSeconds: 1 });
  const proxy = await startFaultProxy(emulator.url);
  const bm = createBettermodeClient({
    endpoint: proxy.url,
    networkDomain: emulator.networkDomain,
    refreshLeewaySeconds: 0,
  });
  try {
    await bm.login(member);
    expect(emulator.stats().liveSessions).toBe(1);
    proxy.setFault('logout-held-once');
    await bm.logout();
    expect(emulator.stats().unauthorized).toBeGreaterThanOrEqual(1);
    expect(emulator.stats().liveSessions).toBe(0);
    expect(await bm.getSession()).toBeNull();
  } finally {
    bm.close();
    await proxy.stop();
    await emulator.stop();
  }
});
