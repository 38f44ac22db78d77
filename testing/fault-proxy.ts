import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Faults the real emulator cannot produce. */
export type Fault =
  | 'none'
  | 'http-500'
  | 'html-502'
  | 'http-503'
  | 'truncated-json'
  | 'empty-200'
  | 'hang'
  | 'stall-body'
  | 'reset'
  | 'always-unauthorized'
  | 'always-http-401'
  /** The server's own error, echoing the request's Bearer token and variables back in message and extensions. */
  | 'echo-secrets'
  /** Refreshes only: forwarded (the server rotates), then the answer stalls after its headers. */
  | 'refresh-stall-answer'
  /** Refreshes only: forwarded (the server rotates), then the connection drops instead of the answer. */
  | 'refresh-drop-answer'
  /** Refreshes only: a proxy's HTML 401, never reaching the server. */
  | 'refresh-html-401'
  /** App token mints (`limitedToken`) only: forwarded (the server mints), then the connection drops instead of the answer. */
  | 'mint-drop-answer'
  /** AuthMember only: HTTP 429 with `Retry-After: 99999999` (over three years, past any timer). */
  | 'auth-member-429-forever'
  /** Mutations other than the token calls: data for the first field, a field-level Unauthorized for the second. */
  | 'mutation-partial-unauthorized'
  /** The next LogoutNetwork only: held 1.5 s, then forwarded (a token with less left expires on the way). */
  | 'logout-held-once';

/**
 * A proxy in front of the emulator that passes requests through, or answers with the fault it
 * is set to. The `always-…` faults spare `tokens`, so refreshes work while everything else fails;
 * the `refresh-…` faults touch only `tokens(refreshToken)` and, with `once`, only the first one.
 */
export async function startFaultProxy(
  target: string,
  options: {
    rewriteGateway?: boolean;
    /**
     * Sees each answer passed through: returns the text to send on (rewritten, say), or null to
     * drop the connection after the server answered (an answer lost on the way back).
     */
    onAnswer?: (operationName: string | undefined, text: string) => string | null;
  } = {},
) {
  let fault: Fault = 'none';
  let faultsServed = 0;
  let once = false;
  let refreshesSeen = 0;
  const hanging = new Set<() => void>();
  const log: {
    arrivedAt: number;
    answeredAt: number;
    operation: string | undefined;
    /** The `requestId` variable the tests give distinct requests, to tell a retry from a first attempt. */
    requestId: unknown;
    status: number;
    rateLimited: boolean;
    retryAfterMs: number | undefined;
  }[] = [];
  /** The operation name of every request that arrived, answered by a fault or passed on. */
  const arrivals: (string | undefined)[] = [];
  const server = createServer(async (request, response) => {
    const arrivedAt = Date.now();
    const body = await readAll(request);
    const parsed = safeParse(body);
    arrivals.push(parsed?.operationName);
    const isTokens = parsed?.operationName === 'Tokens' || /^\s*(query|mutation) Tokens\b/.test(parsed?.query ?? '');
    const isRefresh = isTokens && typeof parsed?.variables?.refreshToken === 'string';
    const isMint = parsed?.operationName === 'LimitedToken';
    const forward = async () =>
      fetch(target, {
        method: request.method,
        headers: {
          'content-type': 'application/json',
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        },
        body: request.method === 'POST' ? body : undefined,
      });
    const active = fault;
    if (active.startsWith('refresh-') && isRefresh) {
      refreshesSeen += 1;
      if (once) fault = 'none';
    }
    if (active === 'mint-drop-answer' && isMint && once) fault = 'none';
    // Any fault that answers (the switch returns) counts; a fault that passes the request on does not.
    if (active !== 'none') faultsServed += 1;
    switch (active) {
      case 'http-500':
        response
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"errors":[{"message":"Internal server error"}]}');
        return;
      case 'http-503':
        response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '0' }).end('Service Unavailable');
        return;
      case 'html-502':
        response
          .writeHead(502, { 'content-type': 'text/html' })
          .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
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
      case 'echo-secrets': {
        const echoed = { authorization: request.headers.authorization ?? null, variables: parsed?.variables ?? null };
        const message = `Bad request from ${request.headers.authorization ?? 'nobody'} with ${JSON.stringify(parsed?.variables ?? {})}`;
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST', echoed } }] }));
        return;
      }
      case 'always-http-401':
        if (!isTokens) {
          response.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized');
          return;
        }
        break;
      case 'always-unauthorized':
        if (!isTokens) {
          response
            .writeHead(200, { 'content-type': 'application/json' })
            .end('{"errors":[{"message":"Unauthorized","extensions":{"code":"108"}}]}');
          return;
        }
        break;
      case 'refresh-html-401':
        if (isRefresh) {
          response
            .writeHead(401, { 'content-type': 'text/html' })
            .end('<html><body>401 Authorization Required</body></html>');
          return;
        }
        break;
      case 'mint-drop-answer':
        if (isMint) {
          await (await forward()).text();
          request.socket.destroy();
          return;
        }
        break;
      case 'logout-held-once':
        if (parsed?.operationName === 'LogoutNetwork') {
          fault = 'none';
          await new Promise((resolve) => setTimeout(resolve, 1500));
        }
        break;
      case 'auth-member-429-forever':
        if (parsed?.operationName === 'AuthMember') {
          response
            .writeHead(429, { 'content-type': 'application/json', 'retry-after': '99999999' })
            .end('{"errors":[{"message":"Too many requests","extensions":{"code":"RATE_LIMITED"}}]}');
          return;
        }
        break;
      case 'mutation-partial-unauthorized':
        if (/^\s*mutation\b/.test(parsed?.query ?? '') && !isTokens && parsed?.operationName !== 'LoginNetwork') {
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              data: { first: { ok: true }, second: null },
              errors: [{ message: 'Unauthorized', path: ['second'], extensions: { code: '108' } }],
            }),
          );
          return;
        }
        break;
      case 'refresh-stall-answer':
      case 'refresh-drop-answer':
        if (isRefresh) {
          const answer = await forward();
          await answer.text();
          if (active === 'refresh-drop-answer') {
            request.socket.destroy();
            return;
          }
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"data":');
          hanging.add(() => response.destroy());
          return;
        }
        break;
    }
    if (active !== 'none') faultsServed -= 1;
    const answer = await forward();
    let text = await answer.text();
    // A gateway in front of the API: the app tokens it hands out name it, not the API behind it.
    if (options.rewriteGateway)
      text = text.split(JSON.stringify(target)).join(JSON.stringify(`http://127.0.0.1:${port}/graphql`));
    if (options.onAnswer) {
      const sent = options.onAnswer(parsed?.operationName, text);
      if (sent === null) {
        request.socket.destroy();
        return;
      }
      text = sent;
    }
    const retryAfterHeader = answer.headers.get('retry-after');
    const bodyWait = /"retryAfterMs":(\d+)/.exec(text)?.[1];
    log.push({
      arrivedAt,
      answeredAt: Date.now(),
      operation: parsed?.operationName,
      requestId: parsed?.variables?.requestId,
      status: answer.status,
      rateLimited: answer.status === 429 || /"code":"104"/.test(text),
      retryAfterMs: retryAfterHeader ? Number(retryAfterHeader) * 1000 : bodyWait ? Number(bodyWait) : undefined,
    });
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
      ...(answer.headers.get('retry-after') ? { 'retry-after': answer.headers.get('retry-after') as string } : {}),
    });
    response.end(text);
  });
  let port = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ({ port } = server.address() as AddressInfo);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    /** Sets the fault; with `once`, a `refresh-…` or `mint-…` fault hits only the next refresh or mint. */
    setFault(next: Fault, options: { once?: boolean } = {}) {
      fault = next;
      once = options.once ?? false;
    },
    /** Refresh requests a `refresh-…` fault has seen. */
    refreshesSeen: () => refreshesSeen,
    /** Requests passed through to the target, in answer order: when each came and was answered, and what the answer was. */
    log,
    /** Requests answered by a fault rather than the target. */
    faultsServed: () => faultsServed,
    /** How many requests of an operation arrived, answered by a fault or passed on. */
    arrivalsOf: (operationName: string) => arrivals.filter((name) => name === operationName).length,
    async stop() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function safeParse(
  body: string,
): { operationName?: string; query?: string; variables?: Record<string, unknown> } | undefined {
  try {
    return JSON.parse(body) as { operationName?: string; query?: string; variables?: Record<string, unknown> };
  } catch {
    return undefined;
  }
}

async function readAll(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}
