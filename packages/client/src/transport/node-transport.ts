import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TransportFailure, type Transport, type TransportRequest, type TransportResponse } from './transport';

/** Options of {@link nodeTransport}. */
export interface NodeTransportOptions {
  /** Connections kept open per host. @defaultValue 64 */
  maxSockets?: number;
}

interface Target {
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
}

/**
 * The default transport on Node: `node:http`/`node:https` with keep-alive agents. It builds no
 * WHATWG Request, Response, stream, AbortController or DOMException per request (those cost
 * Node's global fetch several times the CPU); one timer covers the whole exchange, body included.
 */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets }), https: new HttpsAgent({ keepAlive: true, maxSockets }) };
  const targets = new Map<string, Target>();

  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`${parsed.protocol} is not http or https`);
      target = { secure: parsed.protocol === 'https:', hostname: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size > 32) targets.clear();
      targets.set(url, target);
    }
    return target;
  };

  const send = (request: TransportRequest, retried: boolean): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      let target: Target;
      try {
        target = targetOf(request.url);
      } catch (error) {
        reject(new TransportFailure('network', error));
        return;
      }
      const headers = request.headers;
      headers['content-length'] = String(Buffer.byteLength(request.body));
      let settled = false;
      let outgoing: ClientRequest;
      const finish = (error: TransportFailure | null, response?: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          outgoing.destroy();
          reject(error);
        } else resolve(response as TransportResponse);
      };
      const timer = setTimeout(() => finish(new TransportFailure('timeout')), request.timeoutMs);
      const onResponse = (response: IncomingMessage) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('error', (error) => finish(new TransportFailure('network', error)));
        response.on('aborted', () => finish(new TransportFailure('network', new Error('the response was cut off'))));
        response.on('end', () => {
          const { 'content-type': contentType, 'retry-after': retryAfter } = response.headers;
          finish(null, { status: response.statusCode ?? 0, body, contentType: contentType ?? null, retryAfter: retryAfter ?? null });
        });
      };
      const options = { hostname: target.hostname, port: target.port, path: target.path, method: 'POST', headers, agent: target.secure ? agents.https : agents.http };
      outgoing = target.secure ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // A kept-alive socket the server closed just as it was reused: Node's documented case for one
        // retry. Only for what is safe to send twice: the server may have read a mutation already.
        if (!retried && request.idempotent && outgoing.reusedSocket && error.code === 'ECONNRESET') {
          settled = true;
          clearTimeout(timer);
          send(request, true).then(resolve, reject);
          return;
        }
        finish(new TransportFailure('network', error));
      });
      if (request.ticket) request.ticket.cancel = () => finish(new TransportFailure('cancelled'));
      outgoing.end(request.body);
    });

  return {
    send: (request) => send(request, false),
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
