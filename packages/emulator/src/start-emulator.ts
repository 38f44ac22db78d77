import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga } from 'graphql-yoga';
import { authGatePlugin } from './auth-gate-plugin';
import { createEmulatorSchema, type BasicCredentials, type Caller, type EmulatorContext } from './emulator-schema';
import { defaultApps, defaultMembers, defaultNetwork, type EmulatorApp, type EmulatorMember, type EmulatorNetwork } from './emulator-seed';
import { createEmulatorState, type EmulatorState } from './emulator-state';
import { EmulatorStatsCounter, type EmulatorStats } from './emulator-stats';
import { defaultLoginRateLimit, LoginRateLimiter, type LoginRateLimit } from './login-rate-limiter';
import { rateLimitPlugin, type RateLimit } from './rate-limit-plugin';
import { TokenService } from './token-service';
import { valueFreeErrorsPlugin } from './value-free-errors-plugin';
import { WebhookSender, type EmulatorWebhook, type WebhookChallengeResult, type WebhookDeliveryOptions, type WebhookPerson } from './webhook-sender';

/** How to start an emulator; every option has a default that answers like Bettermode's document. */
export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** The community address `tokens(networkDomain)` accepts. @defaultValue 'community.bettermode.io' */
  networkDomain?: string;
  /** The rest of the network (id, name, visibility, membership). */
  network?: Partial<EmulatorNetwork>;
  /** Members who can log in. @defaultValue bettermodeuser / bettermodepassword, John Smith, Admin */
  members?: readonly EmulatorMember[];
  /**
   * Apps that mint tokens with `limitedToken` (HTTP Basic credentials), each with a bot member.
   * @defaultValue one app, `emulator-app` / `emulator-app-secret`, installed on the network
   */
  apps?: readonly EmulatorApp[];
  /** Rate limits per token, as Bettermode applies them. @defaultValue none */
  rateLimit?: RateLimit;
  /**
   * Receivers of signed webhooks: the URL challenge at start-up, then `member.logged_in`,
   * `member.logged_out` and `session.revoked` events, retried with backoff.
   */
  webhooks?: readonly EmulatorWebhook[];
  /** How webhook deliveries are retried. @defaultValue 5 attempts, 200 ms doubling, 2000 ms timeout */
  webhookDelivery?: WebhookDeliveryOptions;
  /** Lifetime of access tokens. @defaultValue 3600 */
  accessTokenTtlSeconds?: number;
  /** Lifetime of refresh tokens. @defaultValue 2592000 (30 days) */
  refreshTokenTtlSeconds?: number;
  /** Tolerance for `exp` when verifying access tokens. @defaultValue 0 */
  clockToleranceSeconds?: number;
  /**
   * How long a just-spent refresh token may come back and get the same answer again (a client
   * that lost the answer retries); any other reuse revokes the session. 0 turns it off.
   * @defaultValue 30
   */
  refreshReuseGraceSeconds?: number;
  /** Guest sessions kept at most; the oldest are dropped first. @defaultValue 10000 */
  maxGuestSessions?: number;
  /** Delay before each GraphQL request is answered. @defaultValue 0 */
  latencyMs?: number;
  /** HS256 key for access tokens, at least 32 bytes. @defaultValue random per start */
  secret?: string | Uint8Array;
  /** Path to another schema (SDL) to serve. @defaultValue the schema of `@bettermode-kit/operations` */
  schemaFile?: string;
  /** Largest request body accepted; larger ones get HTTP 413. @defaultValue 102400 */
  maxBodyBytes?: number;
  /** Failed-login throttling. @defaultValue 5 failures a minute lock a login for a minute */
  loginRateLimit?: Partial<LoginRateLimit>;
}

/** A running emulator. */
export interface Emulator {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly url: string;
  /** The network domain guests ask tokens for. */
  readonly networkDomain: string;
  /** Counts since start or the last {@link Emulator.resetStats}; also served at `GET /__emulator/stats`. */
  stats(): EmulatorStats;
  resetStats(): void;
  /** The webhooks the emulator sends. */
  readonly webhooks: {
    /** What the URL challenge at start-up found, per receiver. */
    readonly challenges: readonly WebhookChallengeResult[];
    /** Sends an event of your own (for a receiver's tests); returns its id. */
    send(name: string, event?: { noun?: string; verb?: string; actor?: WebhookPerson; object?: Record<string, unknown> }): string;
    /** Resolves when every delivery so far has ended, delivered or given up. */
    settled(): Promise<void>;
  };
  /** Closes the server and every open connection, and gives up pending webhook retries. */
  stop(): Promise<void>;
}

const graphqlPath = '/graphql';
const statsPath = '/__emulator/stats';
const packageName = '@bettermode-kit/emulator';

/**
 * Starts a GraphQL server on localhost that answers like Bettermode's auth API: `tokens`,
 * `loginNetwork`, `logoutNetwork`, `authMember` and `networkPublicInfo` over Bettermode's schema.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * // point a client at emulator.url, networkDomain 'community.bettermode.io'
 * await emulator.stop();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = checkOptions(options);
  const network: EmulatorNetwork = { ...defaultNetwork, ...options.network, domain: settings.networkDomain };
  const state = await createEmulatorState(network, options.members ?? defaultMembers, options.apps ?? defaultApps);
  const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : (options.secret ?? randomBytes(32));
  if (secret.byteLength < 32) throw new Error(`${packageName}: secret must be at least 32 bytes`);
  const tokens = new TokenService(secret, settings);
  const stats = new EmulatorStatsCounter();
  stats.attach({ tokenCounts: tokens.counts, liveSessions: () => tokens.liveSessions() });
  const webhooks = new WebhookSender(options.webhooks ?? [], network, stats, {
    attempts: options.webhookDelivery?.attempts ?? 5,
    baseDelayMs: options.webhookDelivery?.baseDelayMs ?? 200,
    timeoutMs: options.webhookDelivery?.timeoutMs ?? 2000,
  });
  const person = (member: { id: string; name: string; username: string; email: string | null }): WebhookPerson => ({ id: member.id, name: member.name, username: member.username, email: member.email });
  tokens.onRevokedByReuse = (owner) => {
    const member = state.membersById.get(owner.memberId);
    webhooks.send('session.revoked', { noun: 'SESSION', verb: 'REVOKED', ...(member ? { actor: person(member), object: { id: member.id, reason: 'refresh-token-reuse' } } : {}) });
  };
  const sdl = await readFile(options.schemaFile ?? bundledSchemaPath(), 'utf8');
  const schema = createEmulatorSchema(sdl, {
    state,
    tokens,
    loginRateLimiter: new LoginRateLimiter({ ...defaultLoginRateLimit, ...options.loginRateLimit }),
    stats,
    gatewayUrl: () => publicUrl,
    memberEvent: (name, member) => webhooks.send(name, { noun: 'MEMBER', verb: name === 'member.logged_in' ? 'LOGGED_IN' : 'LOGGED_OUT', actor: person(member), object: person(member) as unknown as Record<string, unknown> }),
  });
  let publicUrl = '';

  const yoga = createYoga<Record<string, never>, EmulatorContext>({
    schema,
    graphqlEndpoint: graphqlPath,
    batching: false,
    maskedErrors: { isDev: false },
    logging: false,
    landingPage: false,
    graphiql: false,
    cors: { origin: '*', methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'accept'] },
    context: async ({ request }) => {
      const authorization = request.headers.get('authorization');
      return { caller: await authenticate(authorization, state, tokens), basic: basicCredentials(authorization) };
    },
    plugins: [EnvelopArmorPlugin(), authGatePlugin(stats), rateLimitPlugin(options.rateLimit, stats), valueFreeErrorsPlugin()],
  });

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
    const body = await readBody(request, settings.maxBodyBytes);
    if (body === 'too-large') {
      return sendJson(response, 413, { errors: [{ message: `Request body is larger than ${settings.maxBodyBytes} bytes` }] });
    }
    if (settings.latencyMs > 0) await delay(settings.latencyMs);
    const answer = await yoga.fetch(url, { method: request.method, headers: toHeaders(request), body: body && new Uint8Array(body) }, {});
    response.writeHead(answer.status, Object.fromEntries(answer.headers));
    response.end(Buffer.from(await answer.arrayBuffer()));
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal emulator error' }] });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  publicUrl = `http://${host}:${port}${graphqlPath}`;
  const challenges = await webhooks.challenge();

  return {
    url: publicUrl,
    webhooks: {
      challenges,
      send: (name, event = {}) => webhooks.send(name, { noun: event.noun ?? 'CUSTOM', verb: event.verb ?? 'SENT', ...(event.actor ? { actor: event.actor } : {}), ...(event.object ? { object: event.object } : {}) }),
      settled: () => webhooks.settled(),
    },
    networkDomain: network.domain,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.stop();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function checkOptions(options: EmulatorOptions) {
  const settings = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    networkDomain: options.networkDomain ?? options.network?.domain ?? defaultNetwork.domain,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 30 * 24 * 3600,
    clockToleranceSeconds: options.clockToleranceSeconds ?? 0,
    refreshReuseGraceSeconds: options.refreshReuseGraceSeconds ?? 30,
    maxGuestSessions: options.maxGuestSessions ?? 10_000,
    latencyMs: options.latencyMs ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? 100 * 1024,
  };
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535) {
    throw new Error(`${packageName}: port must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  for (const key of ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds', 'maxBodyBytes', 'maxGuestSessions'] as const) {
    if (!Number.isFinite(settings[key]) || settings[key] <= 0) {
      throw new Error(`${packageName}: ${key} must be a positive number, got ${String(options[key])}`);
    }
  }
  for (const key of ['clockToleranceSeconds', 'latencyMs', 'refreshReuseGraceSeconds'] as const) {
    if (!Number.isFinite(settings[key]) || settings[key] < 0) {
      throw new Error(`${packageName}: ${key} must be zero or more, got ${String(options[key])}`);
    }
  }
  if (settings.networkDomain.trim() === '') throw new Error(`${packageName}: networkDomain must not be empty`);
  return settings;
}

function bundledSchemaPath(): string {
  return createRequire(import.meta.url).resolve('@bettermode-kit/operations/schema.graphql');
}

const bearerPattern = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
const basicPattern = /^Basic ([A-Za-z0-9+/=]+)$/i;

/** `Authorization: Basic base64(clientId:clientSecret)`, as apps send it to `limitedToken`. */
function basicCredentials(header: string | null): BasicCredentials | null {
  const encoded = header?.match(basicPattern)?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) } : null;
}

async function authenticate(header: string | null, state: EmulatorState, tokens: TokenService): Promise<Caller | null> {
  const token = header?.match(bearerPattern)?.[1];
  if (!token) return null;
  const claims = await tokens.verifyAccessToken(token);
  if (!claims || claims.networkId !== state.network.id) return null;
  if (claims.roleType === 'guest') return { claims, member: null };
  const member = state.membersById.get(claims.id);
  return member ? { claims, member } : null;
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
