import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { freePort } from '../../../testing/redis-server';

test('pnpm start:next prints the address, and the page there is rendered on the server from its emulator', async () => {
  const port = await freePort();
  // The build is the one the global setup made (the script builds it itself otherwise).
  const child = spawn(process.execPath, ['scripts/start-next.mjs', '--no-build'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, PORT: String(port), BETTERMODE_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    while (!output.includes('Ctrl+C stops it.'))
      await Promise.race([
        once(child.stdout, 'data'),
        once(child, 'exit').then(() => Promise.reject(new Error(output))),
      ]);
    expect(output).toContain(`bettermode-kit Next.js example: http://127.0.0.1:${port}/`);
    expect(output).toMatch(
      /Bettermode emulator: http:\/\/127\.0\.0\.1:\d+\/graphql \(log in as bettermodeuser \/ bettermodepassword\)/,
    );
    const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(html).toContain('data-testid="network-name">Bettermode Community<');
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
