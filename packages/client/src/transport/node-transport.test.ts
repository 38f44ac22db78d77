import { createServer, type Socket } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { nodeTransport } from './node-transport';
import { isTransportFailure, type Transport } from './transport';

const answer = '{"data":{"ok":true}}';

/**
 * A keep-alive HTTP server that answers the first request on each connection and closes the
 * connection when a second request arrives on it: a kept-alive socket the server dropped just as
 * the client reused it, which a real server does only by chance of timing.
 */
async function startClosingServer() {
  const requests: number[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    const connection = (connections += 1);
    let seen = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      // Each request here is small and whole: headers, a blank line, a JSON body.
      while (buffered.includes('\r\n\r\n')) {
        const [head = '', rest = ''] = buffered.split(/\r\n\r\n(.*)/s);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (rest.length < length) return;
        buffered = rest.slice(length);
        requests.push(connection);
        seen += 1;
        if (seen > 1) {
          socket.destroy();
          return;
        }
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${answer.length}\r\nconnection: keep-alive\r\n\r\n${answer}`,
        );
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    /** The connection number of every request received, in order. */
    requests,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const server = await startClosingServer();
  const transport: Transport = nodeTransport({ maxSockets: 1 });
  cleanups.push(
    () => server.stop(),
    () => transport.close(),
  );
  const send = (idempotent: boolean) =>
    transport.send({
      url: server.url,
      body: '{"query":"{ ok }"}',
      headers: { 'content-type': 'application/json' },
      timeoutMs: 5000,
      idempotent,
    });
  return { server, send };
}

test('a query on a kept-alive socket the server closed as it was reused: sent once more on a new connection, answered', async () => {
  const { server, send } = await setup();
  expect((await send(true)).body).toBe(answer);
  expect((await send(true)).body).toBe(answer);
  // The second request reached connection 1 and was lost there; it was sent again on connection 2.
  expect(server.requests).toEqual([1, 1, 2]);
});

test('a mutation in the same spot is not sent again (the server may have acted on it): a network failure', async () => {
  const { server, send } = await setup();
  await send(false);
  const failure = await send(false).catch((error: unknown) => error);
  expect(isTransportFailure(failure) && failure.transportFailure).toBe('network');
  expect(server.requests).toEqual([1, 1]);
});

test('two queries at once, each losing its reused socket: each sent once more, both answered', async () => {
  const server = await startClosingServer();
  const transport = nodeTransport({ maxSockets: 2 });
  cleanups.push(
    () => server.stop(),
    () => transport.close(),
  );
  const send = () =>
    transport.send({
      url: server.url,
      body: '{"query":"{ ok }"}',
      headers: { 'content-type': 'application/json' },
      timeoutMs: 5000,
      idempotent: true,
    });
  // Two kept-alive connections, then two requests that reuse them at once.
  await Promise.all([send(), send()]);
  const answers = await Promise.all([send(), send()]);
  expect(answers.map((each) => each.body)).toEqual([answer, answer]);
  expect(server.requests.length).toBe(6);
  expect(new Set(server.requests).size).toBe(4);
});
