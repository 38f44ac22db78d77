import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Faults the real emulator cannot produce. */
export type Fault =
  | 'none'
  | 'http-500'
  | 'html-502'
  | 'truncated-json'
  | 'empty-200'
  | 'hang'
  | 'stall-body'
  | 'reset'
  | 'always-unauthorized'
  | 'always-http-401';

/**
 * A proxy in front of the emulator that passes requests through, or answers with the fault it
 * is set to. The `always-…` faults spare `tokens`, so refreshes work while everything else fails.
 */
export async function startFaultProxy(target: string) {
  let fault: Fault = 'none';
  const hanging = new Set<() => void>();
  const server = createServer(async (request, response) => {
    const body = await readAll(request);
    const isTokens = /"query":"(query|mutation) Tokens\b/.test(body);
    switch (fault) {
      case 'http-500':
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Internal server error"}]}');
        return;
      case 'html-502':
        response.writeHead(502, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      case 'truncated-json':
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"authMember":{"id":"9FW');
        return;
      case 'empty-200':
        response.writeHead(200, { 'content-type': 'application/json' }).end('');
        return;
      case 'hang':
        hanging.add(() => response.destroy());
        return;
      case 'stall-body':
        // Headers and the start of a body, then nothing: only a timeout over the whole response ends it.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"data":');
        hanging.add(() => response.destroy());
        return;
      case 'reset':
        request.socket.destroy();
        return;
      case 'always-http-401':
        if (!isTokens) {
          response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
          return;
        }
        break;
      case 'always-unauthorized':
        if (!isTokens) {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Unauthorized","extensions":{"code":"108"}}]}');
          return;
        }
    }
    const answer = await fetch(target, {
      method: request.method,
      headers: { 'content-type': 'application/json', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) },
      body: request.method === 'POST' ? body : undefined,
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    setFault(next: Fault) {
      fault = next;
    },
    async stop() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function readAll(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}
