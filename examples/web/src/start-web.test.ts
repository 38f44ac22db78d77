import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { freePort } from '../../../testing/redis-server';
import { launchChromium } from './testing/chromium';

test('pnpm start:web prints the address, and the app there shows the network from its emulator', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/start-web.mjs'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, PORT: String(port), VITE_BETTERMODE_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const browser = await launchChromium();
  try {
    while (!output.includes('Ctrl+C stops it.'))
      await Promise.race([
        once(child.stdout, 'data'),
        once(child, 'exit').then(() => Promise.reject(new Error(output))),
      ]);
    expect(output).toContain(`bettermode-kit web example: http://127.0.0.1:${port}/`);
    expect(output).toMatch(
      /Bettermode emulator: http:\/\/127\.0\.0\.1:\d+\/graphql \(log in as bettermodeuser \/ bettermodepassword\)/,
    );
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByText('Bettermode Community').waitFor({ timeout: 30_000 });
    await page.getByTestId('guest-view').waitFor();
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
