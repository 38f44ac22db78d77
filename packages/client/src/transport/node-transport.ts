import type { Agent as HttpAgent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type * as Https from 'node:https';
import { WorkList } from './work-list';
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

/** How often in-flight requests are checked against their deadline. */
const sweepMs = 100;

/** One request on the wire; settles once, then lets go of everything it held. */
class InFlight {
  settled = false;
  outgoing: ClientRequest | undefined;
  previous: InFlight | undefined;
  next: InFlight | undefined;

  constructor(
    readonly request: TransportRequest,
    readonly deadline: number,
    readonly resolve: (response: TransportResponse) => void,
    readonly reject: (failure: TransportFailure) => void,
    readonly inFlight: WorkList<InFlight>,
  ) {}

  succeed(response: TransportResponse): void {
    if (this.#release()) this.resolve(response);
  }

  fail(failure: TransportFailure): void {
    const outgoing = this.outgoing;
    if (!this.#release()) return;
    outgoing?.destroy();
    this.reject(failure);
  }

  /** Settles: false when it already was. A finished request must not stay reachable (through a ticket, the set). */
  #release(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.outgoing = undefined;
    this.inFlight.delete(this);
    if (this.request.ticket) this.request.ticket.cancel = undefined;
    return true;
  }
}

/**
 * The default transport on Node: `node:http`/`node:https` with keep-alive agents. It builds no
 * WHATWG Request, Response, stream, AbortController or DOMException per request (those cost
 * Node's global fetch several times the CPU), and no timer per request: one sweep, while requests
 * are in flight, fails those past their deadline, which covers the whole exchange, body included.
 */
export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  // Loaded at the first request, not at import: node:https alone takes longer to load than the client.
  let http:
    | {
        agent: HttpAgent;
        request: (options: RequestOptions, onResponse: (response: IncomingMessage) => void) => ClientRequest;
      }
    | undefined;
  let https: typeof http;
  const protocol = (secure: boolean) => {
    if (secure) {
      if (!https) {
        const module = process.getBuiltinModule('node:https') as typeof Https;
        https = { agent: new module.Agent({ keepAlive: true, maxSockets }), request: module.request };
      }
      return https;
    }
    if (!http) {
      const module = process.getBuiltinModule('node:http');
      http = { agent: new module.Agent({ keepAlive: true, maxSockets }), request: module.request };
    }
    return http;
  };
  const targets = new Map<string, Target>();
  const inFlight = new WorkList<InFlight>();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const sweep = () => {
    const now = Date.now();
    inFlight.forEach((request) => {
      if (request.deadline <= now) request.fail(new TransportFailure('timeout'));
    });
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new TypeError(`${parsed.protocol} is not http or https`);
      target = {
        secure: parsed.protocol === 'https:',
        hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: parsed.port,
        path: `${parsed.pathname}${parsed.search}`,
      };
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
      const flight = new InFlight(request, Date.now() + request.timeoutMs, resolve, reject, inFlight);
      const headers = request.headers;
      headers['content-length'] = String(Buffer.byteLength(request.body));
      const { agent, request: start } = protocol(target.secure);
      const outgoing = start(
        { hostname: target.hostname, port: target.port, path: target.path, method: 'POST', headers, agent },
        (response: IncomingMessage) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          // A body cut off mid-way is an error on the response (ECONNRESET "aborted").
          response.on('error', (error) => flight.fail(new TransportFailure('network', error)));
          response.on('end', () => {
            const { 'content-type': contentType, 'retry-after': retryAfter } = response.headers;
            flight.succeed({
              status: response.statusCode ?? 0,
              body,
              contentType: contentType ?? null,
              retryAfter: retryAfter ?? null,
            });
          });
        },
      );
      flight.outgoing = outgoing;
      inFlight.add(flight);
      sweeper ??= setInterval(sweep, sweepMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (flight.settled) return;
        // A kept-alive socket the server closed just as it was reused: Node's documented case for one
        // retry. Only for what is safe to send twice: the server may have read a mutation already.
        if (!retried && request.idempotent && outgoing.reusedSocket && error.code === 'ECONNRESET') {
          flight.settled = true;
          inFlight.delete(flight);
          send(request, true).then(resolve, reject);
          return;
        }
        flight.fail(new TransportFailure('network', error));
      });
      if (request.ticket) request.ticket.cancel = () => flight.fail(new TransportFailure('cancelled'));
      outgoing.end(request.body);
    });

  return {
    send: (request) => send(request, false),
    close() {
      inFlight.forEach((request) => request.fail(new TransportFailure('cancelled')));
      clearInterval(sweeper);
      sweeper = undefined;
      http?.agent.destroy();
      https?.agent.destroy();
    },
  };
}
