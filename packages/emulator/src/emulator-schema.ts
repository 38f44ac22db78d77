import { buildSchema, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import {
  badUserInput,
  forbidden,
  invalidAppCredentials,
  invalidCredentials,
  networkNotFound,
  notFound,
  notImplemented,
  rateLimited,
  unauthorized,
} from './emulator-errors';
import { emulatorRoles, randomId, type EmulatorNetwork } from './emulator-seed';
import type { EmulatorState, StoredMember } from './emulator-state';
import type { EmulatorStatsCounter } from './emulator-stats';
import type { LoginRateLimiter } from './login-rate-limiter';
import type { CommunityContent } from './content/community-content';
import { createContentResolvers } from './content/content-resolvers';
import { guestObject, memberObject } from './member-view';
import { verifyPassword } from './password-hasher';
import type { AccessTokenClaims, AccessTokenSigner, IssuedTokens, TokenService } from './token-service';

/** Who sent the request, from a verified Bearer token; `member` is null for a guest. */
export interface Caller {
  claims: AccessTokenClaims;
  member: StoredMember | null;
}

/** HTTP Basic credentials sent with the request (an app asking for `limitedToken`). */
export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** The context every resolver sees; `caller` is null without a valid token. */
export interface EmulatorContext {
  caller: Caller | null;
  basic: BasicCredentials | null;
}

/** What the resolvers work with. */
export interface EmulatorServices {
  state: EmulatorState;
  tokens: TokenService;
  loginRateLimiter: LoginRateLimiter;
  stats: EmulatorStatsCounter;
  /** The endpoint apps are told to use (`AppToken.gatewayUrl`), known once the server listens. */
  gatewayUrl: () => string;
  /** The community's spaces, posts and members; without it, those fields answer NOT_IMPLEMENTED. */
  content?: CommunityContent;
  /** Tells webhook receivers what happened to a member. */
  memberEvent: (name: 'member.logged_in' | 'member.logged_out', member: StoredMember) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver declares its own arguments.
type Resolver = GraphQLFieldResolver<unknown, EmulatorContext, any>;

/**
 * Builds the executable schema: the given SDL, the fields the emulator implements, and a
 * "not implemented by the emulator" error for every other field that has no value to return.
 */
export function createEmulatorSchema(sdl: string, services: EmulatorServices): GraphQLSchema {
  const schema = buildSchema(sdl);
  const implemented = createResolvers(services);
  if (services.content) {
    for (const [type, fields] of Object.entries(createContentResolvers(services.content, services.state)))
      implemented[type] = { ...implemented[type], ...fields };
  }
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = roots.has(type);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const own = implemented[type.name]?.[field.name];
      if (own) field.resolve = own;
      else if (isRoot) {
        field.resolve = () => {
          throw notImplemented(coordinate);
        };
        if (type === schema.getSubscriptionType()) field.subscribe = field.resolve;
      } else {
        field.resolve = (source) => {
          if (typeof source === 'object' && source !== null && Object.hasOwn(source, field.name)) {
            return (source as Record<string, unknown>)[field.name];
          }
          throw notImplemented(coordinate);
        };
      }
    }
  }
  return schema;
}

function createResolvers({
  state,
  tokens,
  loginRateLimiter,
  stats,
  gatewayUrl,
  memberEvent,
}: EmulatorServices): Record<string, Record<string, Resolver>> {
  const { network } = state;

  const sign: AccessTokenSigner = (owner, sessionId) => {
    const member = owner.guest ? null : state.membersById.get(owner.memberId);
    const role = member ? member.role : emulatorRoles.guest;
    return tokens.signAccessToken({
      id: owner.memberId,
      networkId: network.id,
      networkDomain: network.domain,
      role: role.name,
      roleId: role.id,
      roleType: role.type,
      sid: sessionId,
      ...(owner.appId ? { appId: owner.appId } : {}),
    });
  };

  function authToken({ owner, sessionId, accessToken, refreshToken }: IssuedTokens) {
    const member = owner.guest ? null : state.membersById.get(owner.memberId);
    if (!owner.guest && !member) throw unauthorized();
    return {
      accessToken,
      refreshToken,
      role: member ? member.role : emulatorRoles.guest,
      member: member ? memberObject(member, network, sessionId) : guestObject(owner.memberId, network),
      networkPublicInfo: networkPublicInfo(network),
    };
  }

  const tokensResolver: Resolver = async (_source, args: TokensArgs) => {
    if (args.otp != null || args.ssoToken != null) throw notImplemented('Query.tokens(otp, ssoToken)');
    const names = args.networkDomain != null || args.networkId != null;
    if (names && !namesNetwork(network, args)) throw networkNotFound();
    if (args.refreshToken != null) {
      const rotated = await tokens.rotateRefreshToken(args.refreshToken, sign);
      if (!rotated) throw unauthorized();
      return authToken(rotated);
    }
    if (!names) throw badUserInput('tokens needs networkDomain, networkId or refreshToken');
    // Bettermode's guest ids are GUEST_ followed by the network id and a few random characters.
    return authToken(await tokens.openSession({ memberId: `GUEST_${network.id}${randomId(5)}`, guest: true }, sign));
  };

  const loginResolver: Resolver = async (
    _source,
    { input }: { input: { usernameOrEmail: string; password: string } },
  ) => {
    const login = input.usernameOrEmail.trim().toLowerCase();
    const member = state.membersByLogin.get(login);
    // A member's username and email share one bucket; unknown logins are counted by name.
    const attempt = loginRateLimiter.reserve(member ? `member:${member.id}` : `login:${login}`);
    if ('retryAfterSeconds' in attempt) throw rateLimited(attempt.retryAfterSeconds);
    stats.countPasswordCheck();
    const passwordMatches = await verifyPassword(input.password, member?.passwordHash ?? state.decoyHash);
    if (!member || !passwordMatches) {
      attempt.failed();
      throw invalidCredentials();
    }
    attempt.succeeded();
    const answer = authToken(await tokens.openSession({ memberId: member.id, guest: false }, sign));
    memberEvent('member.logged_in', member);
    return answer;
  };

  const limitedTokenResolver: Resolver = async (_source, args: LimitedTokenArgs, { basic }) => {
    const app = basic ? state.apps.get(basic.clientId) : undefined;
    // Compared even for an unknown app, so the answer takes as long either way.
    const secretMatches = await verifyPassword(basic?.clientSecret ?? '', app?.secretHash ?? state.decoyHash);
    if (!app || !secretMatches) throw invalidAppCredentials();
    if (args.networkId !== network.id || !app.installedOn.has(args.networkId))
      throw forbidden('The app is not installed on this network');
    if (args.context !== 'NETWORK') throw notImplemented(`Query.limitedToken(context: ${args.context})`);
    if (args.entityId !== args.networkId) throw badUserInput('For the NETWORK context, entityId is the networkId');
    let actor = app.bot;
    if (args.impersonateMemberId != null) {
      const member = state.membersById.get(args.impersonateMemberId);
      if (!member || member.id.startsWith('BOT')) throw notFound('Member');
      actor = member;
    }
    const issued = await tokens.openSession({ memberId: actor.id, guest: false, appId: app.clientId }, sign, {
      ttlSeconds: tokens.accessTokenTtlSeconds,
    });
    return { accessToken: issued.accessToken, gatewayUrl: gatewayUrl() };
  };

  const logoutResolver: Resolver = (_source, { input }: { input?: { sessionId: string } | null }, { caller }) => {
    const sessionId = input?.sessionId ?? caller?.claims.sid;
    const owner = sessionId === undefined ? undefined : tokens.sessionOwner(sessionId);
    // Another member's session answers like an unknown one: it is none of the caller's business.
    if (!caller?.member || sessionId === undefined || owner?.memberId !== caller.member.id) throw notFound('Session');
    tokens.revokeSession(sessionId);
    memberEvent('member.logged_out', caller.member);
    return { status: 'succeeded' };
  };

  const authMemberResolver: Resolver = (_source, _args, { caller }) => {
    if (!caller) throw unauthorized();
    return caller.member
      ? memberObject(caller.member, network, caller.claims.sid)
      : guestObject(caller.claims.id, network);
  };

  return {
    Query: {
      tokens: tokensResolver,
      limitedToken: limitedTokenResolver,
      loginNetwork: loginResolver,
      authMember: authMemberResolver,
      networkPublicInfo: () => networkPublicInfo(network),
    },
    Mutation: {
      loginNetwork: loginResolver,
      logoutNetwork: logoutResolver,
    },
  };
}

interface LimitedTokenArgs {
  context: 'MEMBER' | 'NETWORK' | 'POST' | 'SPACE';
  networkId: string;
  entityId: string;
  impersonateMemberId?: string | null;
}

interface TokensArgs {
  networkDomain?: string | null;
  networkId?: string | null;
  refreshToken?: string | null;
  otp?: string | null;
  ssoToken?: string | null;
}

function namesNetwork(network: EmulatorNetwork, args: TokensArgs): boolean {
  if (args.networkId != null && args.networkId !== network.id) return false;
  if (args.networkDomain != null && args.networkDomain.trim().toLowerCase() !== network.domain.toLowerCase())
    return false;
  return true;
}

function networkPublicInfo(network: EmulatorNetwork) {
  return {
    id: network.id,
    name: network.name,
    domain: network.domain,
    status: 'published',
    visibility: network.visibility,
    membership: network.membership,
    favicon: null,
    faviconId: null,
    logo: null,
    logoId: null,
    jwtSsoAuthUrls: null,
    systemSpaces: null,
  };
}
