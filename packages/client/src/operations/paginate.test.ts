import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import {
  CreatePostDocument,
  FeedDocument,
  MembersDocument,
  SpaceDocument,
  SpacePostsDocument,
} from '@bettermode-kit/operations';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFaultProxy } from '../../../../testing/fault-proxy';
import { createBettermodeClient, paginate, PaginationError, RateLimitedError } from '../index';
import { createUrqlClient, paginationSource } from '../urql';

const admin = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };
const general = 'Spc0000001';
const title = (text: string) => [{ key: 'title', type: 'text' as const, value: JSON.stringify(text) }];

describe('a space of 10,000 posts', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ content: { spaces: 1, postsPerSpace: 10_000, repliesPerPost: 0, members: 0 } });
  });
  afterAll(() => emulator.stop());
  const client = () => createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });

  test('walked with limit 100: 100 requests, every post once, newest first', async () => {
    const bm = client();
    try {
      await bm.getSession({ fresh: true });
      emulator.resetStats();
      const posts = await paginate(bm, SpacePostsDocument, { spaceId: general, limit: 100 }).collect();
      expect(emulator.stats().byField).toEqual({ posts: 100 });
      expect(emulator.stats().requests).toBe(100);
      expect(new Set(posts.map((post) => post.id)).size).toBe(10_000);
      const times = posts.map((post) => Date.parse(post.createdAt as string));
      expect(times.every((time, index) => index === 0 || time < (times[index - 1] as number))).toBe(true);
    } finally {
      bm.close();
    }
  });

  test('the same walk with reverse: oldest first, every post once', async () => {
    const bm = client();
    try {
      const pages = [];
      for await (const page of paginate(bm, SpacePostsDocument, {
        spaceId: general,
        limit: 100,
        reverse: true,
      }).pages())
        pages.push(page);
      expect(pages).toHaveLength(100);
      expect(pages[0]?.totalCount).toBe(10_000);
      expect(pages[0]?.complexity).toBe(2 + 100 * 8);
      const ids = pages.flatMap((page) => page.nodes.map((post) => post.id));
      expect(new Set(ids).size).toBe(10_000);
      expect(ids[0]).toBe('Pst01000001');
      expect(ids.at(-1)).toBe('Pst01010000');
    } finally {
      bm.close();
    }
  });

  test('maxItems, maxPages and resuming from the cursor a stopped walk gives', async () => {
    const bm = client();
    try {
      const first = paginate(bm, SpacePostsDocument, { spaceId: general, limit: 30 }, { maxItems: 50 });
      const fifty = await first.collect();
      expect(fifty).toHaveLength(50);
      emulator.resetStats();
      const rest = await paginate(
        bm,
        SpacePostsDocument,
        { spaceId: general, limit: 30 },
        { after: first.cursor, maxPages: 2 },
      ).collect();
      expect(emulator.stats().byField).toEqual({ posts: 2 });
      // The first walk read two pages of 30 and kept 50: it resumes after the 60th.
      const all = await paginate(bm, SpacePostsDocument, { spaceId: general, limit: 100 }, { maxItems: 120 }).collect();
      expect(rest.map((post) => post.id)).toEqual(all.slice(60, 120).map((post) => post.id));
    } finally {
      bm.close();
    }
  });

  test('an abort mid-walk: no request after it', async () => {
    const bm = client();
    try {
      const controller = new AbortController();
      await bm.getSession({ fresh: true });
      emulator.resetStats();
      let seen = 0;
      await expect(
        (async () => {
          for await (const page of paginate(
            bm,
            SpacePostsDocument,
            { spaceId: general, limit: 100 },
            { signal: controller.signal },
          ).pages()) {
            seen += page.nodes.length;
            if (seen === 300) controller.abort();
          }
        })(),
      ).rejects.toMatchObject({ name: 'AbortError' });
      expect(emulator.stats().byField).toEqual({ posts: 3 });
    } finally {
      bm.close();
    }
  });

  test('a walk during which 50 posts are created: none of the older posts skipped or repeated', async () => {
    const bm = client();
    const author = client();
    try {
      await author.login(admin);
      const ids: string[] = [];
      let pages = 0;
      for await (const page of paginate(bm, SpacePostsDocument, { spaceId: general, limit: 100 }).pages()) {
        ids.push(...page.nodes.map((post) => post.id));
        if ((pages += 1) === 10)
          await Promise.all(
            Array.from({ length: 50 }, (_, index) =>
              author.mutate(CreatePostDocument, {
                spaceId: general,
                input: { postTypeId: 'discussion', mappingFields: title(`New ${index}`), publish: true },
              }),
            ),
          );
      }
      expect(ids).toHaveLength(10_000);
      expect(new Set(ids).size).toBe(10_000);
      expect(ids.every((id) => id.startsWith('Pst'))).toBe(true);
    } finally {
      bm.close();
      author.close();
    }
  });

  test('through an urql Client (paginationSource): the same walk', async () => {
    const bm = client();
    try {
      const urql = createUrqlClient(bm);
      emulator.resetStats();
      const members = await paginate(paginationSource(urql), MembersDocument, { limit: 1 }).collect();
      expect(members.map((member) => member.username)).toEqual(['bettermodeuser']);
      const posts = await paginate(
        paginationSource(urql),
        SpacePostsDocument,
        { spaceId: general, limit: 100 },
        { maxPages: 3 },
      ).collect();
      expect(new Set(posts.map((post) => post.id)).size).toBe(300);
    } finally {
      bm.close();
    }
  });
});

describe('a walk against the complexity budget (complexityPer10s 1700 a second; a page costs 802)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      content: { spaces: 1, postsPerSpace: 1000, repliesPerPost: 0, members: 0 },
      rateLimit: { complexityPer10s: 1700, windowSeconds: 1 },
    });
  });
  afterAll(() => emulator.stop());

  test('waiting out the rate-limit answers: 0 RateLimitedError, the walk finishes', async () => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      await bm.getSession({ fresh: true });
      emulator.resetStats();
      const posts = await paginate(bm, SpacePostsDocument, { spaceId: general, limit: 100 }).collect();
      expect(new Set(posts.map((post) => post.id)).size).toBe(1000);
      // The API refused some pages; each was asked again after the wait it named.
      const { rateLimited, byField } = emulator.stats();
      expect(rateLimited).toBeGreaterThan(0);
      expect(byField.posts).toBe(10 + rateLimited);
    } finally {
      bm.close();
    }
  });

  test('with the budget given: paced on extensions.complexity, the API never refuses', async () => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      await bm.getSession({ fresh: true });
      emulator.resetStats();
      const posts = await paginate(
        bm,
        SpacePostsDocument,
        { spaceId: general, limit: 100 },
        { budget: { complexity: 1700, windowSeconds: 1 } },
      ).collect();
      expect(new Set(posts.map((post) => post.id)).size).toBe(1000);
      expect(emulator.stats().rateLimited).toBe(0);
      expect(emulator.stats().byField.posts).toBe(10);
    } finally {
      bm.close();
    }
  });

  test('a rate limit that outlasts rateLimitRetries is the RateLimitedError', async () => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      await expect(
        paginate(bm, SpacePostsDocument, { spaceId: general, limit: 100 }, { rateLimitRetries: 0 }).collect(),
      ).rejects.toBeInstanceOf(RateLimitedError);
    } finally {
      bm.close();
    }
  });
});

describe('walks across a refresh, two at once, and a page whose answer is lost', () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  /** The next page is forwarded (the server answers) and its connection dropped before the answer. */
  let dropNextPage = false;
  beforeAll(async () => {
    // 2 s tokens and no reuse grace: a refresh token sent twice ends the session.
    emulator = await startEmulator({
      accessTokenTtlSeconds: 2,
      refreshReuseGraceSeconds: 0,
      content: { spaces: 1, postsPerSpace: 300, repliesPerPost: 0, members: 0 },
    });
    proxy = await startFaultProxy(emulator.url, {
      onAnswer(operationName, text) {
        if (operationName !== 'SpacePosts' || !dropNextPage) return text;
        dropNextPage = false;
        return null;
      },
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });

  test('two walks at once on one member client, paced past the expiries of its 2 s token: one refresh per expiry between them, both whole', async () => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      await bm.login(admin);
      emulator.resetStats();
      // 7 pages a second each (82 points a page), 30 pages each: about 4 s, well past the expiry.
      const walk = () =>
        paginate(
          bm,
          SpacePostsDocument,
          { spaceId: general, limit: 10 },
          { budget: { complexity: 574, windowSeconds: 1 } },
        ).collect();
      const [first, second] = await Promise.all([walk(), walk()]);
      expect(new Set(first.map((post) => post.id)).size).toBe(300);
      expect(second.map((post) => post.id)).toEqual(first.map((post) => post.id));
      // Refreshed as often as the token expired, never twice for one expiry: with the reuse grace
      // off, a refresh token sent twice would have ended the session (revokedByReuse).
      const { refreshes, unauthorized, revokedByReuse, byField } = emulator.stats();
      expect(refreshes).toBeGreaterThanOrEqual(1);
      expect({ unauthorized, revokedByReuse, tokens: byField.tokens }).toEqual({
        unauthorized: 0,
        revokedByReuse: 0,
        tokens: refreshes,
      });
      expect(emulator.stats().byField.posts).toBe(60);
      expect((await bm.getSession())?.kind).toBe('member');
    } finally {
      bm.close();
    }
  });

  test('a page whose answer is lost: with retry the page is asked again and the walk is whole; without, the walk stops and resumes from its cursor', async () => {
    const patient = createBettermodeClient({
      endpoint: proxy.url,
      networkDomain: emulator.networkDomain,
      retry: { attempts: 2 },
    });
    try {
      const before = proxy.arrivalsOf('SpacePosts');
      let pages = 0;
      const ids: string[] = [];
      for await (const page of paginate(patient, SpacePostsDocument, { spaceId: general, limit: 50 }).pages()) {
        ids.push(...page.nodes.map((post) => post.id));
        if ((pages += 1) === 2) dropNextPage = true;
      }
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
      // Six pages, the third sent twice.
      expect(proxy.arrivalsOf('SpacePosts') - before).toBe(7);
    } finally {
      patient.close();
    }

    const bm = createBettermodeClient({ endpoint: proxy.url, networkDomain: emulator.networkDomain, fetch });
    try {
      const walk = paginate(bm, SpacePostsDocument, { spaceId: general, limit: 50 });
      const ids: string[] = [];
      let pages = 0;
      const stopped = await (async () => {
        for await (const page of walk.pages()) {
          ids.push(...page.nodes.map((post) => post.id));
          if ((pages += 1) === 2) dropNextPage = true;
        }
      })().catch((error: unknown) => error);
      expect(stopped).toMatchObject({ code: 'NETWORK_ERROR' });
      expect(ids).toHaveLength(100);
      const rest = await paginate(
        bm,
        SpacePostsDocument,
        { spaceId: general, limit: 50 },
        { after: walk.cursor },
      ).collect();
      expect(new Set([...ids, ...rest.map((post) => post.id)]).size).toBe(300);
      expect(ids.length + rest.length).toBe(300);
    } finally {
      bm.close();
    }
  });
});

describe('walks that cannot go on', () => {
  let emulator: Emulator;
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>;
  beforeAll(async () => {
    emulator = await startEmulator();
    // A server that answers every page with the same cursor: the emulator never does, so a proxy
    // in front of it rewrites the cursor.
    proxy = await startFaultProxy(emulator.url, {
      onAnswer: (operationName, text) =>
        operationName === 'SpacePosts' ? text.replace(/"endCursor":"[^"]*"/, '"endCursor":"c2VxOjE"') : text,
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await emulator.stop();
  });

  test('the same cursor twice: a PaginationError after the repeat, no third request', async () => {
    const bm = createBettermodeClient({ endpoint: proxy.url, networkDomain: emulator.networkDomain });
    try {
      const walk = paginate(bm, SpacePostsDocument, { spaceId: general, limit: 2, reverse: true });
      const error = await walk.collect().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PaginationError);
      expect(error).toMatchObject({ code: 'PAGINATION_CURSOR_REPEATED' });
      expect(proxy.arrivalsOf('SpacePosts')).toBe(2);
    } finally {
      bm.close();
    }
  });

  test('an operation without $after, an answer without a connection: typed errors, before a wasted walk', async () => {
    const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
    try {
      emulator.resetStats();
      await expect(paginate(bm, SpaceDocument, { id: general } as never).collect()).rejects.toMatchObject({
        code: 'PAGINATION_NO_CURSOR_VARIABLE',
      });
      expect(emulator.stats().requests).toBe(0);
      await expect(paginate(bm, FeedDocument, { limit: 5 }, { path: 'feed.nodes' }).collect()).rejects.toMatchObject({
        code: 'PAGINATION_NO_CONNECTION',
      });
      const feed = await paginate(bm, FeedDocument, { limit: 5 }, { path: 'feed', maxPages: 1 }).collect();
      expect(feed).toHaveLength(5);
    } finally {
      bm.close();
    }
  });
});
