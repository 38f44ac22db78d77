import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { ClientClosedError, createBettermodeClient, memoryStorage } from './index';
import { distinct } from './test-support/distinct';
import { transports } from './test-support/transports';

test.each(transports)(
  'close() with a login and 50 queries in flight: each settles with CLIENT_CLOSED or its answer, and nothing is written after (%s)',
  async (_name, fetchOption) => {
    const emulator = await startEmulator({ latencyMs: 100 });
    const storage = memoryStorage();
    const bm = createBettermodeClient({
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      storage,
      fetch: fetchOption,
    });
    try {
      await bm.query(AuthMemberDocument, {});
      const work = [
        bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' }),
        ...Array.from({ length: 50 }, (_, index) => bm.query(AuthMemberDocument, distinct(index))),
      ];
      await delay(30);
      bm.close();
      const atClose = await storage.read();
      const settled = await Promise.allSettled(work);
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ClientClosedError);
          expect(outcome.reason).toMatchObject({ code: 'CLIENT_CLOSED' });
        }
      }
      expect(settled.filter((outcome) => outcome.status === 'rejected').length).toBeGreaterThan(0);
      // The emulator answers the login after the close: nothing of it reaches the storage.
      await delay(300);
      expect(await storage.read()).toEqual(atClose);
      await expect(bm.query(AuthMemberDocument, {})).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    } finally {
      await emulator.stop();
    }
  },
);

const script = `
import { createBettermodeClient } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';
const bm = createBettermodeClient({ endpoint: process.env.ENDPOINT, networkDomain: 'community.bettermode.io', ...(process.env.USE_FETCH ? { fetch: globalThis.fetch } : {}) });
await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
const { authMember } = await bm.query(AuthMemberDocument, {});
const inFlight = [bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' }), ...Array.from({ length: 50 }, (_, i) => bm.query(AuthMemberDocument, { requestId: i }))];
for (const each of inFlight) each.catch(() => {});
setTimeout(() => {
  bm.close();
  console.log('closed', authMember.name);
}, 30);
`;

test.each(transports)(
  'after close() the process exits on its own within a second, work in flight or not (%s)',
  async (_name, fetchOption) => {
    const emulator = await startEmulator({ latencyMs: 100 });
    // The emulator lives in this process, so its sockets stay open while the client's process must end.
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ENDPOINT: emulator.url, ...(fetchOption ? { USE_FETCH: '1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('closed')) closedAt ||= performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = await once(child, 'exit');
    const exitedAt = performance.now();
    clearTimeout(guard);
    await emulator.stop();
    expect(signal, `the process had to be killed; output: ${output}`).toBeNull();
    expect(code, output).toBe(0);
    expect(output.trim()).toBe('closed John Smith');
    expect(exitedAt - closedAt).toBeLessThan(1000);
  },
);
