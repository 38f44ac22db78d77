import { startEmulator } from '@bettermode-kit/emulator';
import { fileURLToPath } from 'node:url';
import { expect, test, vi } from 'vitest';
import { runReadmeUsage } from '../../../testing/run-readme-usage';

test('the README example runs as written against the emulator: the page greets the member', async () => {
  const emulator = await startEmulator();
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await runReadmeUsage(fileURLToPath(new URL('..', import.meta.url)), { emulator });
    expect(log.mock.calls.map((call) => String(call[0]))).toEqual(['Hello, John Smith']);
    expect(emulator.stats().byField).toMatchObject({ tokens: 1, loginNetwork: 1, authMember: 1 });
  } finally {
    log.mockRestore();
    await emulator.stop();
  }
});
