import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { createYoga } from 'graphql-yoga';
import { authGatePlugin } from './auth-gate-plugin';
import { CommunityContent } from './content/community-content';
import { generateCommunity, type CommunityFixture, type GeneratedCommunitySizes } from './content/community-fixture';
import { createEmulatorSchema, type EmulatorContext } from './emulator-schema';
import {
  defaultApps,
  defaultMembers,
  defaultNetwork,
  type EmulatorApp,
  type EmulatorMember,
  type EmulatorNetwork,
} from './emulator-seed';
import { createEmulatorState, type StoredMember } from './emulator-state';
import { EmulatorStatsCounter, type EmulatorStats } from './emulator-stats';
import { createEmulatorHttpHandler, graphqlPath } from './http/emulator-http-handler';
import { requestCaller } from './http/request-caller';
import { defaultLoginRateLimit, LoginRateLimiter, type LoginRateLimit } from './login-rate-limiter';
import { rateLimitPlugin, type RateLimit } from './rate-limit-plugin';
import { TokenService } from './token-service';
import { valueFreeErrorsPlugin } from './value-free-errors-plugin';
import { emulatorWebhookEvents } from './webhooks/emulator-webhook-events';
import {
  WebhookSender,
  type EmulatorWebhook,
  type WebhookChallengeResult,
  type WebhookDeliveryOptions,
  type WebhookPerson,
} from './webhooks/webhook-sender';

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
   * The community served: spaces, posts, replies, reactions and members, generated the same at
   * every start from sizes, or loaded from a fixture (an object or a JSON file). `false` serves
   * none (those fields then answer NOT_IMPLEMENTED).
   * @defaultValue 3 spaces (General, Announcements, Team: private), 10 posts each, 2 replies, 3 more members
   */
  content?: false | (GeneratedCommunitySizes & { fixture?: CommunityFixture | string });
  /**
   * The most complexity one query may have; a costlier one is refused before it runs and costs
   * nothing. @defaultValue 1000
   */
  maxQueryComplexity?: number;
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
  /** Member and app sessions kept at most (every login opens one); the oldest are dropped first. @defaultValue 10000 */
  maxMemberSessions?: number;
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
    send(
      name: string,
      event?: { noun?: string; verb?: string; actor?: WebhookPerson; object?: Record<string, unknown> },
    ): string;
    /** Resolves when every delivery so far has ended, delivered or given up. */
    settled(): Promise<void>;
  };
  /** Closes the server and every open connection, and gives up pending webhook retries. */
  stop(): Promise<void>;
}

const packageName = '@bettermode-kit/emulator';

/**
 * Starts a GraphQL server on localhost that answers like Bettermode's API over its schema: the
 * auth (`tokens`, `loginNetwork`, `logoutNetwork`, `limitedToken`, `authMember`,
 * `networkPublicInfo`) and a seeded community (spaces, posts, replies, reactions, members,
 * search) with Bettermode's pagination, permissions and complexity.
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
  const baseMembers = options.members ?? defaultMembers;
  const admin = baseMembers.find((member) => member.role === 'admin') ?? baseMembers[0];
  const fixture = await communityFixture(options.content, admin?.username);
  // A generated member whose username or email one of yours already has is that member of yours
  // (your `member1` writes member1's posts); a fixture's own members must not collide.
  const taken = new Set(baseMembers.flatMap((member) => [member.username.toLowerCase(), member.email.toLowerCase()]));
  const added = (fixture?.members ?? []).filter(
    (member) =>
      !(fixture?.generated && (taken.has(member.username.toLowerCase()) || taken.has(member.email.toLowerCase()))),
  );
  const state = await createEmulatorState(network, [...baseMembers, ...added], options.apps ?? defaultApps);
  const content =
    fixture && admin
      ? CommunityContent.fromFixture(
          fixture,
          state.membersByLogin,
          state.membersByLogin.get(admin.username.toLowerCase()) as StoredMember,
        )
      : undefined;
  const secret =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : (options.secret ?? randomBytes(32));
  if (secret.byteLength < 32) throw new Error(`${packageName}: secret must be at least 32 bytes`);
  const tokens = new TokenService(secret, settings);
  const stats = new EmulatorStatsCounter();
  stats.attach({ tokenCounts: tokens.counts, liveSessions: () => tokens.liveSessions() });
  const webhooks = new WebhookSender(options.webhooks ?? [], network, stats, {
    attempts: options.webhookDelivery?.attempts ?? 5,
    baseDelayMs: options.webhookDelivery?.baseDelayMs ?? 200,
    timeoutMs: options.webhookDelivery?.timeoutMs ?? 2000,
  });
  const events = emulatorWebhookEvents(webhooks);
  tokens.onRevokedByReuse = (owner) => events.sessionRevoked(state.membersById.get(owner.memberId));
  const sdl = await readFile(options.schemaFile ?? bundledSchemaPath(), 'utf8');
  let publicUrl = '';
  const schema = createEmulatorSchema(sdl, {
    state,
    tokens,
    loginRateLimiter: new LoginRateLimiter({ ...defaultLoginRateLimit, ...options.loginRateLimit }),
    stats,
    gatewayUrl: () => publicUrl,
    memberEvent: events.memberEvent,
    ...(content ? { content } : {}),
  });

  const yoga = createYoga<Record<string, never>, EmulatorContext>({
    schema,
    graphqlEndpoint: graphqlPath,
    batching: false,
    maskedErrors: { isDev: false },
    logging: false,
    landingPage: false,
    graphiql: false,
    cors: { origin: '*', methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type', 'accept'] },
    context: ({ request }) => requestCaller(request.headers.get('authorization'), state, tokens),
    plugins: [
      // Depth counts fields, not fragment spreads: `...PostFields` is no level of its own.
      EnvelopArmorPlugin({ maxDepth: { flattenFragments: true } }),
      authGatePlugin(stats),
      rateLimitPlugin(options.rateLimit, stats, settings.maxQueryComplexity),
      valueFreeErrorsPlugin(),
    ],
  });

  const server = createServer(
    createEmulatorHttpHandler({
      graphql: (url, init) => yoga.fetch(url, init, {}),
      stats,
      maxBodyBytes: settings.maxBodyBytes,
      latencyMs: settings.latencyMs,
    }),
  );
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
      send: (name, event = {}) => events.custom(name, event),
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
    maxMemberSessions: options.maxMemberSessions ?? 10_000,
    latencyMs: options.latencyMs ?? 0,
    maxBodyBytes: options.maxBodyBytes ?? 100 * 1024,
    maxQueryComplexity: options.maxQueryComplexity ?? 1000,
  };
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535) {
    throw new Error(`${packageName}: port must be an integer from 0 to 65535, got ${String(options.port)}`);
  }
  for (const key of [
    'accessTokenTtlSeconds',
    'refreshTokenTtlSeconds',
    'maxBodyBytes',
    'maxGuestSessions',
    'maxMemberSessions',
    'maxQueryComplexity',
  ] as const) {
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

/** The community to serve: the fixture given (read when a path), generated, or none. */
async function communityFixture(
  content: EmulatorOptions['content'],
  admin: string | undefined,
): Promise<(CommunityFixture & { generated?: boolean }) | undefined> {
  if (content === false || admin === undefined) return undefined;
  const { fixture, ...sizes } = content ?? {};
  if (fixture === undefined) {
    for (const [key, value] of Object.entries(sizes))
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`${packageName}: content.${key} must be a whole number, 0 or more, got ${String(value)}`);
    return { ...generateCommunity(sizes, admin), generated: true };
  }
  if (typeof fixture !== 'string') return fixture;
  try {
    return JSON.parse(await readFile(fixture, 'utf8')) as CommunityFixture;
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new Error(`${packageName}: content.fixture ${fixture}: ${reason}`, { cause: error });
  }
}

function bundledSchemaPath(): string {
  return createRequire(import.meta.url).resolve('@bettermode-kit/operations/schema.graphql');
}
