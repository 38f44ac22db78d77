import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { runReadmeUsage } from '../../../testing/run-readme-usage';
import { guestScopes, startEmulator, type Emulator } from './index';
import { guestTokenQuery, loginAs, postGraphql } from './testing/post-graphql';

describe('the README example', () => {
  test('the Usage section runs as written and prints the stats it promises', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await runReadmeUsage(fileURLToPath(new URL('..', import.meta.url)));
    expect(log).toHaveBeenCalledWith(
      expect.objectContaining({ requests: 1, byField: { tokens: 1 }, unauthorized: 0, liveGuestSessions: 1 }),
    );
  });
});

describe("the two requests of Bettermode's access-token document", () => {
  test('a guest token, then a member token from loginNetwork sent with it', async () => {
    const emulator = await startEmulator();
    try {
      const guest = await postGraphql(
        emulator.url,
        `query { tokens(networkDomain: "community.bettermode.io") { accessToken role { name scopes } member { id name } } }`,
      );
      expect(guest.body.data?.tokens.role).toEqual({ name: 'Guest', scopes: [...guestScopes] });
      expect(guest.body.data?.tokens.member.id).toMatch(/^GUEST_/);
      expect(guest.body.data?.tokens.member.name).toBe('Guest');

      const member = await postGraphql(
        emulator.url,
        `mutation { loginNetwork(input: { usernameOrEmail: "bettermodeuser", password: "bettermodepassword" }) {
           accessToken role { name scopes } member { id name } } }`,
        { token: guest.body.data?.tokens.accessToken },
      );
      expect(member.body.data?.loginNetwork.role).toEqual({ name: 'Admin', scopes: ['*'] });
      expect(member.body.data?.loginNetwork.member).toEqual({ id: '9FWKl7Y1rB', name: 'John Smith' });
    } finally {
      await emulator.stop();
    }
  });
});

describe('startEmulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  afterEach(() => emulator.resetStats());

  test('port 0 picks a free port on 127.0.0.1', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(emulator.url).not.toMatch(/:0\//);
  });

  test('stats count every request and root field, also at GET /__emulator/stats', async () => {
    const { guestToken } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
    await postGraphql(emulator.url, '{ authMember { id } networkPublicInfo { name } a: authMember { id } }', {
      token: guestToken,
    });
    await postGraphql(emulator.url, '{ authMember { id } }');
    const expected = {
      requests: 4,
      byField: { tokens: 1, loginNetwork: 1, authMember: 3, networkPublicInfo: 1 },
      unauthorized: 1,
      passwordChecks: 1,
      rateLimited: 0,
      webhookDeliveries: 0,
      webhookRetries: 0,
      webhookFailures: 0,
      refreshes: 0,
      reuseGraceAnswers: 0,
      revokedByReuse: 0,
      liveSessions: 1,
      liveGuestSessions: 1,
    };
    expect(emulator.stats()).toEqual(expected);
    const served = await fetch(emulator.url.replace('/graphql', '/__emulator/stats'));
    expect(await served.json()).toEqual(expected);
    emulator.resetStats();
    // Counts start again; live sessions are a gauge and stay.
    expect(emulator.stats()).toEqual({
      ...expected,
      requests: 0,
      byField: {},
      unauthorized: 0,
      passwordChecks: 0,
      rateLimited: 0,
    });
  });

  test('root fields reached through fragments are counted and guarded too', async () => {
    const answer = await postGraphql(
      emulator.url,
      'query { ...Root } fragment Root on Query { ... on Query { authMember { id } } }',
    );
    expect(answer.body.errors?.[0]?.message).toBe('Unauthorized');
    expect(emulator.stats().byField).toEqual({ authMember: 1 });
  });

  test('CORS lets a browser page on another origin send the Authorization header', async () => {
    const preflight = await fetch(emulator.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/localhost:5173)$/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
  });

  test('batching is off: an array of operations is refused', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: guestTokenQuery, variables: { domain: 'community.bettermode.io' } }]),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(emulator.stats().byField).toEqual({});
  });
});

describe('bad requests get a clear error and the server keeps serving', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ maxBodyBytes: 10_000 });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const stillServes = async () => {
    const answer = await postGraphql(emulator.url, guestTokenQuery, {
      variables: { domain: 'community.bettermode.io' },
    });
    expect(answer.body.data?.tokens.accessToken).toEqual(expect.any(String));
  };

  test('malformed JSON answers 400 with a GraphQL error', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ tokens',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/JSON/i);
    await stillServes();
  });

  test('a form-encoded (or any non-JSON) operation answers 415', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const response = await fetch(emulator.url, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'query=%7B__typename%7D',
      });
      expect(response.status, type).toBe(415);
      expect(((await response.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe(
        'GraphQL requests must be sent as application/json',
      );
    }
    await stillServes();
  });

  test('loginNetwork over GET is refused before any password is checked', async () => {
    const query =
      'query { loginNetwork(input: { usernameOrEmail: "bettermodeuser", password: "bettermodepassword" }) { accessToken } }';
    const response = await fetch(`${emulator.url}?query=${encodeURIComponent(query)}`);
    expect(response.status).toBe(405);
    expect(emulator.stats().passwordChecks).toBe(0);
    await stillServes();
  });

  test('a path that is not a URL path answers 400, not 500', async () => {
    const { port } = new URL(emulator.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.end('GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  test('an invalid variable is named in the error, its value never repeated', async () => {
    const guest = await postGraphql(emulator.url, guestTokenQuery, {
      variables: { domain: 'community.bettermode.io' },
    });
    const answer = await postGraphql(
      emulator.url,
      'mutation($input: LoginNetworkWithPasswordInput!) { loginNetwork(input: $input) { accessToken } }',
      {
        token: guest.body.data?.tokens.accessToken,
        variables: { input: { password: 'hunter2-secret-value' } },
      },
    );
    const text = JSON.stringify(answer.body);
    expect(text).not.toContain('hunter2-secret-value');
    expect(answer.body.errors?.[0]?.message).toBe(
      'Variable "$input" got invalid value; Field "usernameOrEmail" of required type "String!" was not provided.',
    );
    const literal = await postGraphql(
      emulator.url,
      'mutation { loginNetwork(input: { usernameOrEmail: "x", password: 424242 }) { accessToken } }',
      {
        token: guest.body.data?.tokens.accessToken,
      },
    );
    expect(JSON.stringify(literal.body)).not.toContain('424242');
  });

  test('41 simultaneous password guesses check at most 5 passwords; then even the right one is refused', async () => {
    const target = await startEmulator();
    try {
      const guest = await postGraphql(target.url, guestTokenQuery, {
        variables: { domain: 'community.bettermode.io' },
      });
      const token = guest.body.data?.tokens.accessToken as string;
      // Username and email of one member share one bucket.
      const guesses = Array.from({ length: 41 }, (_, index) => ({
        usernameOrEmail: index % 2 ? 'bettermodeuser' : 'BetterModeUser@example.com',
        password: `guess-${index}`,
      }));
      const answers = await Promise.all(
        guesses.map((input) =>
          postGraphql(
            target.url,
            'mutation($input: LoginNetworkWithPasswordInput!) { loginNetwork(input: $input) { accessToken } }',
            { token, variables: { input } },
          ),
        ),
      );
      expect(target.stats().passwordChecks).toBeLessThanOrEqual(5);
      expect(
        answers.filter((answer) => answer.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length,
      ).toBeGreaterThanOrEqual(36);
      const right = await postGraphql(
        target.url,
        'mutation($input: LoginNetworkWithPasswordInput!) { loginNetwork(input: $input) { accessToken } }',
        {
          token,
          variables: { input: { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' } },
        },
      );
      expect(right.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(target.stats().passwordChecks).toBeLessThanOrEqual(5);
    } finally {
      await target.stop();
    }
  });

  test('a body over the cap answers 413', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { padding: 'x'.repeat(50_000) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toBe('Request body is larger than 10000 bytes');
    await stillServes();
  });

  test('a query deeper than 6 is refused, also when the depth hides in fragments', async () => {
    const { login } = await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
    const token = login.body.data?.loginNetwork.accessToken as string;
    const deep = '{ authMember { network { owner { network { owner { network { owner { id } } } } } } } }';
    const viaFragments = `
      { authMember { ...A } }
      fragment A on Member { network { ...B } }
      fragment B on Network { owner { ...C } }
      fragment C on Member { network { owner { network { owner { id } } } } }`;
    for (const query of [deep, viaFragments]) {
      const answer = await postGraphql(emulator.url, query, { token });
      expect(answer.body.errors?.[0]?.message).toMatch(/depth/i);
      expect(answer.body.data ?? null).toBeNull();
    }
    await stillServes();
  });

  test('more than 15 aliases are refused', async () => {
    const aliases = Array.from({ length: 16 }, (_, index) => `a${index}: networkPublicInfo { id }`).join(' ');
    const answer = await postGraphql(emulator.url, `{ ${aliases} }`);
    expect(answer.body.errors?.[0]?.message).toMatch(/aliases/i);
    expect(emulator.stats().byField).not.toHaveProperty('networkPublicInfo');
  });

  test('more than 1000 tokens and more than 50 directives are refused', async () => {
    const manyTokens = `{ ${Array.from({ length: 1100 }, () => 'a').join(' ')} }`;
    expect((await postGraphql(emulator.url, manyTokens)).body.errors?.[0]?.message).toMatch(/token/i);
    const manyDirectives = `{ __typename ${Array.from({ length: 51 }, () => '@include(if: true)').join(' ')} }`;
    expect((await postGraphql(emulator.url, manyDirectives)).body.errors?.[0]?.message).toMatch(/directive/i);
    await stillServes();
  });

  test('an unknown field is a validation error without suggestions', async () => {
    const answer = await postGraphql(emulator.url, '{ tokenz }');
    expect(answer.body.errors?.[0]?.message).toMatch(/Cannot query field "tokenz"/);
    expect(answer.body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });
});

test('stop() closes every socket, keep-alive ones included', async () => {
  const emulator = await startEmulator();
  const { port } = new URL(emulator.url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await emulator.stop();
  await closed;
  await expect(fetch(emulator.url)).rejects.toThrow();
});

test('options are checked at once, with the package name in the message', async () => {
  await expect(startEmulator({ port: -1 })).rejects.toThrow(/^@bettermode-kit\/emulator: port/);
  await expect(startEmulator({ accessTokenTtlSeconds: 0 })).rejects.toThrow(
    /accessTokenTtlSeconds must be a positive number/,
  );
  await expect(startEmulator({ secret: 'short' })).rejects.toThrow(/secret must be at least 32 bytes/);
  await expect(
    startEmulator({
      members: [
        { username: 'a', email: 'same@example.com', password: 'p', name: 'A', role: 'member' },
        { username: 'b', email: 'SAME@example.com', password: 'p', name: 'B', role: 'member' },
      ],
    }),
  ).rejects.toThrow(/share the username or email/);
});

test('schemaFile serves another schema version', async () => {
  const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const folder = await mkdtemp(join(tmpdir(), 'emulator-schema-'));
  const schemaFile = join(folder, 'next.graphql');
  await writeFile(
    schemaFile,
    `type Query { tokens(networkDomain: String, networkId: ID, refreshToken: String): AuthToken! brandNew: String }
     type AuthToken { accessToken: String! refreshToken: String! }`,
  );
  const emulator = await startEmulator({ schemaFile });
  try {
    const guest = await postGraphql(
      emulator.url,
      '{ tokens(networkDomain: "community.bettermode.io") { accessToken } }',
    );
    const token = guest.body.data?.tokens.accessToken as string;
    expect(token).toEqual(expect.any(String));
    const gone = await postGraphql(emulator.url, '{ authMember { id } }', { token });
    expect(gone.body.errors?.[0]?.message).toMatch(/Cannot query field "authMember"/);
    const added = await postGraphql(emulator.url, '{ brandNew }', { token });
    expect(added.body.errors?.[0]?.message).toBe('Query.brandNew is not implemented by the emulator');
  } finally {
    await emulator.stop();
    await rm(folder, { recursive: true, force: true });
  }
});

test('member sessions are capped like guest sessions: the oldest are dropped first', async () => {
  const emulator = await startEmulator({ maxMemberSessions: 3 });
  try {
    for (let login = 0; login < 5; login += 1) await loginAs(emulator.url, 'bettermodeuser', 'bettermodepassword');
    expect(emulator.stats().liveSessions).toBe(3);
  } finally {
    await emulator.stop();
  }
});
