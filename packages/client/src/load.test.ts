import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { expect, test } from 'vitest';
import { distinct } from './test-support/distinct';
import { createBettermodeClient } from './index';

test('2,000 operations at concurrency 64, 2 s tokens, 150 ms latency: 0 failures, 0 Unauthorized', async () => {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 2, latencyMs: 150 });
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    emulator.resetStats();
    let next = 0;
    let failures = 0;
    const worker = async () => {
      while (next < 2000) {
        next += 1;
        try {
          // A variable of its own makes each a distinct request (urql shares identical queries in flight).
          const { authMember } = await bm.query(AuthMemberDocument, distinct(next));
          if (authMember.username !== 'bettermodeuser') failures += 1;
        } catch {
          failures += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 64 }, worker));
    const stats = emulator.stats();
    expect(failures).toBe(0);
    expect(stats.unauthorized).toBe(0);
    expect(stats.byField.authMember).toBe(2000);
    // The run crosses several expiries; each is one refresh for all 64 workers.
    expect(stats.refreshes).toBeGreaterThanOrEqual(2);
    expect(stats.revokedByReuse).toBe(0);
  } finally {
    bm.close();
    await emulator.stop();
  }
});
