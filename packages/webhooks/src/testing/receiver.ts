import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeWebhookHandler, type DedupeStore, type WebhookEvent } from '../index';

/** A receiver on node:http that fails or stalls chosen first attempts, recording what it handled. */
export async function startReceiver(options: {
  secret: string;
  dedupe?: DedupeStore;
  behave: (event: WebhookEvent, attempt: number) => 'ok' | 'fail' | 'slow';
}) {
  const attempts = new Map<string, number>();
  const handled: string[] = [];
  const handler = nodeWebhookHandler({
    secret: options.secret,
    ...(options.dedupe ? { dedupe: options.dedupe } : {}),
    onEvent: async (event) => {
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      const behaviour = options.behave(event, attempt);
      if (behaviour === 'fail') throw new Error('the first attempt fails');
      if (behaviour === 'slow') await new Promise((resolve) => setTimeout(resolve, 700));
      handled.push(event.id);
    },
  });
  const server = createServer((request, response) => void handler(request, response));
  return { ...(await listen(server)), handled };
}

/** Spreads requests over targets in turn, as a load balancer in front of several receivers would. */
export async function startBalancer(targets: string[]) {
  let next = 0;
  const server = createServer((incoming, outgoing) => {
    const target = new URL(targets[next++ % targets.length] as string);
    const forward = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forward);
  });
  return listen(server);
}

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An event's bucket from 0 to 9, from its id: the same whatever the run. */
export const bucketOf = (id: string) => [...id].reduce((sum, character) => sum + character.charCodeAt(0), 0) % 10;
