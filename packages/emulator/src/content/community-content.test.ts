import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator, type Emulator } from '../index';
import type { CommunityFixture } from './community-fixture';

type Answer = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };

async function gql(emulator: Emulator, token: string | null, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(emulator.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer & { extensions?: { complexity?: number } };
}

async function tokenOf(emulator: Emulator, username?: string): Promise<string> {
  const guest = await gql(emulator, null, `{ tokens(networkDomain: "${emulator.networkDomain}") { accessToken } }`);
  const guestToken = (guest.data?.tokens as { accessToken: string }).accessToken;
  if (!username) return guestToken;
  const login = await gql(
    emulator,
    guestToken,
    'mutation($input: LoginNetworkWithPasswordInput!) { loginNetwork(input: $input) { accessToken } }',
    { input: { usernameOrEmail: username, password: `${username}-password` } },
  );
  return (login.data?.loginNetwork as { accessToken: string }).accessToken;
}

const outcome = (answer: Answer) => answer.errors?.[0]?.extensions?.code ?? 'ok';
const fields = (text: string) => [{ key: 'title', type: 'text', value: JSON.stringify(text) }];

const admin = {
  username: 'chief',
  email: 'chief@example.com',
  password: 'chief-password',
  name: 'Chief',
  role: 'admin',
} as const;
const person = (username: string) =>
  ({
    username,
    email: `${username}@example.com`,
    password: `${username}-password`,
    name: username,
    role: 'member',
  }) as const;
const fixture: CommunityFixture = {
  members: [person('plain'), person('spacer'), person('writer')],
  spaces: [
    {
      slug: 'open',
      name: 'Open',
      members: ['chief', 'plain', 'spacer', 'writer'],
      posts: [
        {
          author: 'writer',
          title: 'Open post',
          content: '<p>hello open</p>',
          replies: [{ author: 'plain', content: '<p>hi</p>' }],
        },
      ],
    },
    {
      slug: 'inner',
      name: 'Inner',
      private: true,
      members: ['chief', 'spacer', 'writer'],
      posts: [
        {
          author: 'writer',
          title: 'Inner post',
          content: '<p>hello inner</p>',
          replies: [{ author: 'spacer', content: '<p>hi</p>' }],
        },
      ],
    },
    { slug: 'news', name: 'News', postingBy: 'admins', members: ['chief', 'plain', 'spacer', 'writer'], posts: [] },
  ],
};

describe('permissions: guest, member, space member, post author, admin, in a public and a private space', () => {
  let emulator: Emulator;
  const tokens: Record<string, string> = {};
  const roles = {
    guest: undefined,
    member: 'plain',
    'space member': 'spacer',
    author: 'writer',
    admin: 'chief',
  } as const;
  beforeAll(async () => {
    emulator = await startEmulator({ members: [admin], content: { fixture } });
    for (const [role, username] of Object.entries(roles)) tokens[role] = await tokenOf(emulator, username);
  });
  afterAll(() => emulator.stop());

  const spaceIds = { open: 'Spc0000001', inner: 'Spc0000002', news: 'Spc0000003' } as const;
  const postIds = { open: 'Pst01000001', inner: 'Pst02000001' } as const;
  const ok = 'ok';
  const no = '102';
  type Row = { space: 'open' | 'inner'; expect: Record<keyof typeof roles, string> };
  const readable: Row[] = [
    { space: 'open', expect: { guest: ok, member: ok, 'space member': ok, author: ok, admin: ok } },
    { space: 'inner', expect: { guest: no, member: no, 'space member': ok, author: ok, admin: ok } },
  ];

  test.each(readable)('reads in the $space space: space, posts, post, replies', async ({ space, expect: expected }) => {
    for (const role of Object.keys(roles) as (keyof typeof roles)[]) {
      const token = tokens[role] as string;
      const answers = [
        await gql(emulator, token, 'query($slug: ID) { space(slug: $slug) { id } }', { slug: space }),
        await gql(emulator, token, 'query($id: ID!) { posts(spaceIds: [$id], limit: 5) { nodes { id } } }', {
          id: spaceIds[space],
        }),
        await gql(emulator, token, 'query($id: ID!) { post(id: $id) { id title } }', { id: postIds[space] }),
        await gql(emulator, token, 'query($id: ID!) { replies(postId: $id, limit: 5) { totalCount } }', {
          id: postIds[space],
        }),
      ];
      expect({ role, outcomes: answers.map(outcome) }).toEqual({ role, outcomes: Array(4).fill(expected[role]) });
      // The feed and search leave out what the caller may not see, without an error.
      const feed = await gql(emulator, token, '{ feed(limit: 50) { nodes { id } } }');
      const search = await gql(emulator, token, `{ search(input: { query: "hello ${space}" }) { totalCount } }`);
      const inFeed = (feed.data?.feed as { nodes: { id: string }[] }).nodes.some((node) => node.id === postIds[space]);
      expect({ role, inFeed, found: (search.data?.search as { totalCount: number }).totalCount }).toEqual({
        role,
        inFeed: expected[role] === ok,
        found: expected[role] === ok ? 1 : 0,
      });
    }
  });

  const create =
    'mutation($space: ID!, $input: CreatePostInput!) { createPost(spaceId: $space, input: $input) { id } }';
  const reply = 'mutation($post: ID!, $input: CreatePostInput!) { createReply(postId: $post, input: $input) { id } }';
  const update = 'mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { title } }';
  const remove = 'mutation($id: ID!) { deletePost(id: $id) { status } }';
  const react = 'mutation($post: ID!) { addReaction(postId: $post, input: { reaction: "like" }) { status } }';
  const unreact = 'mutation($post: ID!) { removeReaction(postId: $post, reaction: "like") { status } }';

  test.each([
    {
      what: 'createPost',
      open: { guest: no, member: ok, 'space member': ok, author: ok, admin: ok },
      inner: { guest: no, member: no, 'space member': ok, author: ok, admin: ok },
    },
    {
      what: 'createReply, addReaction, removeReaction',
      open: { guest: no, member: ok, 'space member': ok, author: ok, admin: ok },
      inner: { guest: no, member: no, 'space member': ok, author: ok, admin: ok },
    },
    {
      what: 'updatePost, deletePost',
      open: { guest: no, member: no, 'space member': no, author: ok, admin: ok },
      inner: { guest: no, member: no, 'space member': no, author: ok, admin: ok },
    },
  ])('$what', async ({ what, ...bySpace }) => {
    for (const space of ['open', 'inner'] as const) {
      for (const role of Object.keys(roles) as (keyof typeof roles)[]) {
        const token = tokens[role] as string;
        // A fresh post by the author for each attempt, so a delete never hides the next check.
        const made = await gql(emulator, tokens.author as string, create, {
          space: spaceIds[space],
          input: { postTypeId: 'discussion', mappingFields: fields('Fresh') },
        });
        const post = (made.data?.createPost as { id: string }).id;
        let outcomes: string[];
        if (what === 'createPost')
          outcomes = [
            outcome(
              await gql(emulator, token, create, {
                space: spaceIds[space],
                input: { postTypeId: 'discussion', mappingFields: fields('Mine') },
              }),
            ),
          ];
        else if (what.startsWith('createReply'))
          outcomes = [
            outcome(
              await gql(emulator, token, reply, {
                post,
                input: { postTypeId: 'comment', mappingFields: fields('Re') },
              }),
            ),
            outcome(await gql(emulator, token, react, { post })),
            outcome(await gql(emulator, token, unreact, { post })),
          ];
        else
          outcomes = [
            outcome(await gql(emulator, token, update, { id: post, input: { mappingFields: fields('Changed') } })),
            outcome(await gql(emulator, token, remove, { id: post })),
          ];
        const expected = bySpace[space][role];
        expect({ space, role, outcomes }).toEqual({ space, role, outcomes: outcomes.map(() => expected) });
      }
    }
  });

  test('a space where only admins post: a member is refused, an admin posts', async () => {
    const input = { postTypeId: 'discussion', mappingFields: fields('News') };
    expect(outcome(await gql(emulator, tokens.member as string, create, { space: spaceIds.news, input }))).toBe(no);
    expect(outcome(await gql(emulator, tokens.admin as string, create, { space: spaceIds.news, input }))).toBe(ok);
  });

  test('reactions are counted per member, and `reacted` is the caller’s own', async () => {
    const post = postIds.open;
    await gql(emulator, tokens.member as string, react, { post });
    await gql(emulator, tokens.member as string, react, { post });
    await gql(emulator, tokens.admin as string, react, { post });
    const read = async (role: string) =>
      (
        await gql(
          emulator,
          tokens[role] as string,
          'query($id: ID!) { post(id: $id) { reactionsCount reactions { reaction count reacted } } }',
          {
            id: post,
          },
        )
      ).data?.post;
    expect(await read('member')).toEqual({
      reactionsCount: 2,
      reactions: [{ reaction: 'like', count: 2, reacted: true }],
    });
    expect(await read('guest')).toEqual({
      reactionsCount: 2,
      reactions: [{ reaction: 'like', count: 2, reacted: false }],
    });
  });

  test('content is JSON-encoded in mappingFields: anything else is BAD_USER_INPUT; an unknown post is NOT_FOUND', async () => {
    const bad = await gql(emulator, tokens.author as string, create, {
      space: spaceIds.open,
      input: { postTypeId: 'discussion', mappingFields: [{ key: 'title', type: 'text', value: 'not json' }] },
    });
    expect(outcome(bad)).toBe('BAD_USER_INPUT');
    expect(outcome(await gql(emulator, tokens.admin as string, '{ post(id: "nope") { id } }'))).toBe('NOT_FOUND');
    const made = await gql(
      emulator,
      tokens.author as string,
      `${create.replace('{ id }', '{ id title mappingFields { key value } }')}`,
      {
        space: spaceIds.open,
        input: { postTypeId: 'discussion', mappingFields: fields('Déjà "vu"') },
      },
    );
    expect(made.data?.createPost).toMatchObject({
      title: 'Déjà "vu"',
      mappingFields: [{ key: 'title', value: '"Déjà \\"vu\\""' }],
    });
  });

  test('orders and fields it does not serve answer NOT_IMPLEMENTED', async () => {
    const answer = await gql(
      emulator,
      tokens.admin as string,
      '{ posts(limit: 5, orderBy: reactionsCount) { totalCount } }',
    );
    expect(answer.errors?.[0]).toMatchObject({
      message: 'Query.posts(orderBy: reactionsCount) is not implemented by the emulator',
      extensions: { code: 'NOT_IMPLEMENTED' },
    });
    const seo = await gql(emulator, tokens.admin as string, `{ post(id: "${postIds.open}") { seoDetail { title } } }`);
    expect(outcome(seo)).toBe('NOT_IMPLEMENTED');
  });
});

describe('pagination', () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator({ content: { spaces: 1, postsPerSpace: 25, repliesPerPost: 0, members: 0 } });
    token = await tokenOf(emulator);
  });
  afterAll(() => emulator.stop());
  const page = async (args: string) => {
    const answer = await gql(
      emulator,
      token,
      `{ posts(${args}) { totalCount pageInfo { endCursor hasNextPage } edges { cursor node { id } } nodes { id } } }`,
    );
    expect(answer.errors).toBeUndefined();
    return answer.data?.posts as {
      totalCount: number;
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
      edges: { cursor: string; node: { id: string } }[];
      nodes: { id: string }[];
    };
  };
  const number = (id: string) => Number(id.slice(-6));

  test('limit, after, before, offset and reverse, as Bettermode takes them', async () => {
    const first = await page('limit: 10');
    expect(first.totalCount).toBe(25);
    expect(first.nodes.map((node) => number(node.id))).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(first.edges.map((edge) => edge.node)).toEqual(first.nodes);
    expect(first.pageInfo).toEqual({ endCursor: first.edges.at(-1)?.cursor, hasNextPage: true });
    const second = await page(`limit: 10, after: "${first.pageInfo.endCursor}"`);
    expect(second.nodes.map((node) => number(node.id))).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    const last = await page(`limit: 10, after: "${second.pageInfo.endCursor}"`);
    expect(last.nodes.map((node) => number(node.id))).toEqual([5, 4, 3, 2, 1]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const back = await page(`limit: 3, before: "${second.edges[0]?.cursor}"`);
    expect(back.nodes.map((node) => number(node.id))).toEqual([18, 17, 16]);
    const skipped = await page('limit: 3, offset: 5');
    expect(skipped.nodes.map((node) => number(node.id))).toEqual([20, 19, 18]);
    const oldest = await page('limit: 3, reverse: true');
    expect(oldest.nodes.map((node) => number(node.id))).toEqual([1, 2, 3]);
    const empty = await page('limit: 0');
    expect(empty).toMatchObject({ totalCount: 25, nodes: [], pageInfo: { endCursor: null, hasNextPage: true } });
  });

  test('a limit over 100, a negative offset or a cursor it never gave: BAD_USER_INPUT', async () => {
    for (const args of ['limit: 101', 'limit: 5, offset: -1', 'limit: 5, after: "bm90LW91cnM"']) {
      const answer = await gql(emulator, token, `{ posts(${args}) { totalCount } }`);
      expect(outcome(answer)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('complexity', () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: { complexityPer10s: 200 } });
    token = await tokenOf(emulator);
  });
  afterAll(() => emulator.stop());

  test.each([
    { query: '{ networkPublicInfo { id name } }', complexity: 3, formula: '1 + 2 fields' },
    { query: '{ posts(limit: 10) { totalCount nodes { id title } } }', complexity: 22, formula: '2 + 10 x 2' },
    {
      query: '{ posts(limit: 10) { edges { cursor node { id } } } }',
      complexity: 32,
      formula: '2 + 10 x (cursor + node + id)',
    },
    {
      query: 'query($n: Int!) { posts(limit: $n) { nodes { id } } }',
      variables: { n: 50 },
      complexity: 52,
      formula: '2 + 50 x 1, limit from a variable',
    },
    {
      query: '{ posts(limit: 5) { nodes { id replies(limit: 3) { nodes { id } } } } }',
      complexity: 32,
      formula: '2 + 5 x (1 + (2 + 3 x 1))',
    },
    {
      query: '{ posts(limit: 2) { nodes { ...F } } } fragment F on Post { id title }',
      complexity: 6,
      formula: '2 + 2 x 2, through a fragment',
    },
    {
      query: '{ posts(limit: 4) { totalCount pageInfo { hasNextPage } } }',
      complexity: 6,
      formula: '2 + 4 x 1 (no item fields: 1)',
    },
  ])('$formula = $complexity', async ({ query, variables, complexity }) => {
    const answer = await gql(emulator, token, query, variables);
    expect(answer.errors).toBeUndefined();
    expect(answer.extensions?.complexity).toBe(complexity);
  });

  test('a query over the cap of 1000 is refused before it runs and costs nothing', async () => {
    const fresh = await tokenOf(emulator);
    const heavy = await gql(
      emulator,
      fresh,
      '{ posts(limit: 100) { nodes { id title shortContent createdAt spaceId ownerId repliesCount reactionsCount updatedAt slug } } }',
    );
    expect(heavy.errors?.[0]).toMatchObject({
      message: 'Query complexity 1002 is over the limit of 1000',
      extensions: { code: 'QUERY_TOO_COMPLEX' },
    });
    expect(heavy.data ?? null).toBeNull();
    expect(heavy.extensions?.complexity).toBe(0);
    // The whole budget of 200 is still there: a query of 192 runs.
    const next = await gql(
      emulator,
      fresh,
      '{ posts(limit: 19) { nodes { id title shortContent createdAt spaceId ownerId repliesCount reactionsCount updatedAt slug } } }',
    );
    expect(next.errors).toBeUndefined();
    expect(next.extensions?.complexity).toBe(192);
  });
});

test('a member of yours named like a generated one is that member: no clash, and they write its posts', async () => {
  const own = { ...person('member1'), role: 'admin' as const, name: 'Your Member One' };
  const emulator = await startEmulator({ members: [own] });
  try {
    const token = await tokenOf(emulator, 'member1');
    const answer = await gql(
      emulator,
      token,
      '{ space(slug: "team") { name membersCount } post(id: "Pst03000002") { owner { member { name } } } }',
    );
    expect(answer.data).toEqual({
      space: { name: 'Team', membersCount: 1 },
      post: { owner: { member: { name: 'Your Member One' } } },
    });
  } finally {
    await emulator.stop();
  }
});

describe('a community from a JSON fixture', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bm-fixture-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  test('is served as written; an unknown author fails the start with the file and the name', async () => {
    const file = join(folder, 'community.json');
    await writeFile(file, JSON.stringify(fixture));
    const emulator = await startEmulator({ members: [admin], content: { fixture: file } });
    try {
      const token = await tokenOf(emulator, 'plain');
      const answer = await gql(emulator, token, '{ spaces(limit: 10) { nodes { slug } } }');
      expect(answer.data?.spaces).toEqual({ nodes: [{ slug: 'open' }, { slug: 'news' }] });
    } finally {
      await emulator.stop();
    }
    const broken: CommunityFixture = {
      spaces: [{ slug: 'x', name: 'X', posts: [{ author: 'nobody', title: 't', content: 'c' }] }],
    };
    await writeFile(file, JSON.stringify(broken));
    await expect(startEmulator({ content: { fixture: file } })).rejects.toThrow(
      '@bettermode-kit/emulator: content fixture: unknown member "nobody" in x post 1',
    );
  });
});
