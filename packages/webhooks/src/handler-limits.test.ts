import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test, vi } from 'vitest';
import { createWebhookHandler, nodeWebhookHandler, type DedupeStore } from './index';
import { bettermodeHeaders } from './testing/sign';

const secret = 'whsec-limits-secret';
const event = (id: string) =>
  `{"networkId":"NtT0FkLxxi","context":"NETWORK","type":"SUBSCRIPTION","data":{"id":"${id}","name":"member.logged_in"}}`;
const megabyte = 1024 * 1024;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** An unsigned body of `total` bytes in 64 KB chunks, counting what the reader pulled. */
function countedBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

test('fetch handler: a 64 MB unsigned body is refused with 413 after reading no more than maxBodyBytes', async () => {
  const handler = createWebhookHandler({ secret, onEvent: () => undefined, maxBodyBytes: megabyte });
  const { stream, counter } = countedBody(64 * megabyte);
  const response = await handler(
    new Request('http://receiver.test/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit),
  );
  expect(response.status).toBe(413);
  expect(counter.pulled).toBeLessThanOrEqual(megabyte + 2 * 64 * 1024);
});

test('fetch handler: a declared content-length over the limit is refused before any of the body is read', async () => {
  const handler = createWebhookHandler({ secret, onEvent: () => undefined, maxBodyBytes: megabyte });
  const { stream, counter } = countedBody(4 * megabyte);
  const response = await handler(
    new Request('http://receiver.test/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(4 * megabyte) },
      body: stream,
      duplex: 'half',
    } as RequestInit),
  );
  expect(response.status).toBe(413);
  expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
});

test('fetch handler: a signed body within the limit is still handled', async () => {
  const handled: string[] = [];
  const handler = createWebhookHandler({ secret, onEvent: (each) => void handled.push(each.id), maxBodyBytes: 4096 });
  const body = event('evt_within');
  const response = await handler(
    new Request('http://receiver.test/webhooks', { method: 'POST', headers: bettermodeHeaders(secret, body), body }),
  );
  expect(response.status).toBe(200);
  expect(handled).toEqual(['evt_within']);
});

test('Node handler, over a real socket: 10 chunked bodies over the limit each get a 413 answer, never a reset', async () => {
  const server = createServer(nodeWebhookHandler({ secret, onEvent: () => undefined, maxBodyBytes: megabyte }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The whole upload and the answer: a 413 counts only if the body was taken to its end, no reset.
  const send = () =>
    new Promise<number | string>((resolve) => {
      let status: number | undefined;
      let failure: string | undefined;
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: '/webhooks', method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          status = response.statusCode;
          response.resume();
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => (failure ??= error.code ?? 'error'));
      outgoing.on('close', () => resolve(failure ?? status ?? 'no answer'));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let written = 0;
      const write = () => {
        while (written < 8 * megabyte) {
          written += chunk.length;
          if (!outgoing.write(chunk)) return void outgoing.once('drain', write);
        }
        outgoing.end();
      };
      write();
    });
  const answers: (number | string)[] = [];
  for (let attempt = 0; attempt < 10; attempt += 1) answers.push(await send());
  expect(answers).toEqual(Array.from({ length: 10 }, () => 413));
});

test('the dedupe store fails to record a handled event: the delivery is answered 200 once, the failure reported, onEvent not run again', async () => {
  let runs = 0;
  const claimed = new Set<string>();
  const failingStore: DedupeStore = {
    claim: async (id) => (claimed.has(id) ? 'processing' : (claimed.add(id), 'claimed')),
    complete: async () => {
      throw new Error('READONLY You can not write against a read only replica.');
    },
    release: async (id) => void claimed.delete(id),
  };
  const reported: unknown[] = [];
  const handler = createWebhookHandler({
    secret,
    dedupe: failingStore,
    onEvent: () => void (runs += 1),
    onError: (error) => void reported.push(error),
  });
  const body = event('evt_store_fails');
  const response = await handler(
    new Request('http://receiver.test/webhooks', { method: 'POST', headers: bettermodeHeaders(secret, body), body }),
  );
  expect(response.status).toBe(200);
  expect(runs).toBe(1);
  expect(reported).toHaveLength(1);
  // Without onError, one warning names the package and the event, and says nothing of the store's own message.
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const quiet = createWebhookHandler({ secret, dedupe: failingStore, onEvent: () => void (runs += 1) });
  const other = event('evt_store_fails_2');
  const answered = await quiet(
    new Request('http://receiver.test/webhooks', {
      method: 'POST',
      headers: bettermodeHeaders(secret, other),
      body: other,
    }),
  );
  expect(answered.status).toBe(200);
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]?.[0])).toMatch(/^@bettermode-kit\/webhooks: .*evt_store_fails_2/);
});

test('a secret list with a missing or empty entry is refused at construction, by both handlers', () => {
  for (const bad of [[undefined, 'valid-secret'], ['valid-secret', ''], [42], []]) {
    expect(() => createWebhookHandler({ secret: bad as never, onEvent: () => undefined })).toThrow(
      /^@bettermode-kit\/webhooks: secret must be/,
    );
    expect(() => nodeWebhookHandler({ secret: bad as never, onEvent: () => undefined })).toThrow(
      /^@bettermode-kit\/webhooks: secret must be/,
    );
  }
});

test('maxBodyBytes must be a positive number', () => {
  expect(() => createWebhookHandler({ secret, onEvent: () => undefined, maxBodyBytes: 0 })).toThrow(
    /^@bettermode-kit\/webhooks: maxBodyBytes must be/,
  );
});
