import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { EmulatorStatsCounter } from '../emulator-stats';

/** The paths the emulator serves. */
export const graphqlPath = '/graphql';
export const statsPath = '/__emulator/stats';

export interface EmulatorHttpHandlerOptions {
  /** Answers a GraphQL request (yoga's `fetch`). */
  graphql: (url: URL, init: RequestInit) => Promise<Response> | Response;
  stats: EmulatorStatsCounter;
  maxBodyBytes: number;
  latencyMs: number;
}

/**
 * The emulator's HTTP front: the stats endpoint, then the refusals Bettermode-style clients never
 * meet (a login over GET, a body that is not JSON, a body over the limit), then GraphQL after
 * the configured latency. An unexpected failure answers 500, never a crash.
 */
export function createEmulatorHttpHandler({ graphql, stats, maxBodyBytes, latencyMs }: EmulatorHttpHandlerOptions) {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://emulator');
    } catch {
      return sendJson(response, 400, { errors: [{ message: 'Bad request path' }] });
    }
    if (url.pathname === statsPath && request.method === 'GET') {
      return sendJson(response, 200, stats.snapshot());
    }
    if (url.pathname === graphqlPath) {
      stats.countRequest();
      const refusal = refuseRequest(request, url);
      if (refusal) {
        request.resume();
        return sendJson(response, refusal.status, { errors: [{ message: refusal.message }] });
      }
    }
    const body = await readBody(request, maxBodyBytes);
    if (body === 'too-large') {
      return sendJson(response, 413, { errors: [{ message: `Request body is larger than ${maxBodyBytes} bytes` }] });
    }
    if (latencyMs > 0) await delay(latencyMs);
    const answer = await graphql(url, {
      method: request.method,
      headers: toHeaders(request),
      body: body && new Uint8Array(body),
    });
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  };

  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal emulator error' }] });
      else response.destroy();
    });
  };
}

/**
 * Requests Bettermode-style clients never send and that would be unsafe to serve: a login over
 * GET (a password in a URL ends up in logs and history) and bodies that are not JSON (a form post
 * from any web page needs no CORS preflight).
 */
function refuseRequest(request: IncomingMessage, url: URL): { status: number; message: string } | undefined {
  if (request.method === 'GET' && /\bloginNetwork\b/.test(url.searchParams.get('query') ?? '')) {
    return { status: 405, message: 'loginNetwork must be sent with POST: a password in a URL ends up in logs' };
  }
  if (request.method === 'POST') {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json' && type !== 'application/graphql-response+json') {
      return { status: 415, message: 'GraphQL requests must be sent as application/json' };
    }
  }
  return undefined;
}

function toHeaders(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * Reads the body up to `limit` bytes. A larger body is still drained (so the client sees the
 * 413 instead of a reset connection) but not kept.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined | 'too-large'> {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? 'too-large' : Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' });
  response.end(JSON.stringify(body));
}
