import { startEmulator } from '@bettermode-kit/emulator';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const script = `
import { createBettermodeClient } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';
const bm = createBettermodeClient({ endpoint: process.env.ENDPOINT, networkDomain: 'community.bettermode.io' });
await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
const { authMember } = await bm.query(AuthMemberDocument, {});
bm.close();
console.log('done', authMember.name);
`;

test('after close() the process exits on its own: no timer or socket is left', async () => {
  const emulator = await startEmulator();
  // The emulator lives in this process, so its sockets stay open while the client's process must end.
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ENDPOINT: emulator.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(guard);
  await emulator.stop();
  expect(signal, `the process had to be killed; output: ${output}`).toBeNull();
  expect(code, output).toBe(0);
  expect(output.trim()).toBe('done John Smith');
  expect(emulator.stats().byField).toEqual({ tokens: 1, loginNetwork: 1, authMember: 1 });
});
