import { startEmulator } from '@bettermode-kit/emulator';
import { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { expect, test, vi } from 'vitest';
import { freePort } from '../../../testing/redis-server';
import { runReadmeSection } from '../../../testing/run-readme-usage';
import { bettermodeHeaders } from './testing/sign';

const folder = fileURLToPath(new URL('..', import.meta.url));
const secret = 'whsec-readme-secret';

test('"A receiver on Node" runs as written: the emulator challenges it and delivers an event', async () => {
  const port = await freePort();
  const servers: Server[] = [];
  const listen = Server.prototype.listen;
  vi.spyOn(Server.prototype, 'listen').mockImplementation(function (
    this: Server,
    ...args: Parameters<Server['listen']>
  ) {
    servers.push(this);
    return listen.apply(this, args);
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.stubEnv('BETTERMODE_SIGNING_SECRET', secret);
  vi.stubEnv('PORT', String(port));
  await runReadmeSection(folder, 'A receiver on Node');
  const emulator = await startEmulator({ webhooks: [{ url: `http://127.0.0.1:${port}/`, secret }] });
  try {
    expect(emulator.webhooks.challenges[0]?.passed).toBe(true);
    const id = emulator.webhooks.send('member.logged_in', { object: { id: '9FWKl7Y1rB' } });
    await emulator.webhooks.settled();
    expect(log).toHaveBeenCalledWith(`member.logged_in (${id})`);
  } finally {
    await emulator.stop();
    for (const server of servers) server.close();
    vi.unstubAllEnvs();
  }
});

test('"A receiver on a fetch runtime" runs as written: a Worker-style { fetch } that answers the challenge and queues events once', async () => {
  const sent: unknown[] = [];
  const env = {
    BETTERMODE_SIGNING_SECRET: secret,
    EVENTS: { send: async (message: unknown) => void sent.push(message) },
  };
  const worker = (await runReadmeSection(folder, 'A receiver on a fetch runtime', { env })) as {
    fetch: (request: Request) => Promise<Response>;
  };
  const deliver = (body: string) =>
    worker.fetch(
      new Request('https://worker.test/', { method: 'POST', headers: bettermodeHeaders(secret, body), body }),
    );
  const challenge =
    '{"networkId":"NtT0FkLxxi","context":"NETWORK","currentSettings":[],"type":"TEST","data":{"challenge":"c0ffee"}}';
  expect(await (await deliver(challenge)).text()).toBe(
    '{"type":"TEST","status":"SUCCEEDED","data":{"challenge":"c0ffee"}}',
  );
  const event =
    '{"networkId":"NtT0FkLxxi","context":"NETWORK","type":"SUBSCRIPTION","data":{"id":"evt_9","name":"post.published"}}';
  expect((await deliver(event)).status).toBe(200);
  expect((await deliver(event)).status).toBe(200);
  expect(sent).toEqual([{ id: 'evt_9', name: 'post.published' }]);
});
