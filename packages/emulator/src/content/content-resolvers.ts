import type { GraphQLFieldResolver } from 'graphql';
import { badUserInput, forbidden, notFound, notImplemented, unauthorized } from '../emulator-errors';
import type { EmulatorContext } from '../emulator-schema';
import type { EmulatorState, StoredMember } from '../emulator-state';
import { memberBase } from '../member-view';
import {
  fieldText,
  type CommunityContent,
  type MappingField,
  type StoredPost,
  type StoredSpace,
} from './community-content';
import { connectionOf, type PageArgs } from './connection';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver declares its own arguments.
type Resolver = GraphQLFieldResolver<any, EmulatorContext, any>;

/** Who asks: a member, or a guest (`member` null). */
interface Viewer {
  member: StoredMember | null;
  admin: boolean;
}

/** Orders Bettermode accepts that the emulator serves: creation order (publishing is immediate here). */
const servedOrders = new Set(['createdAt', 'publishedAt', 'CREATED_AT']);

/**
 * The community's reads and writes: `space(s)`, `post(s)`, `feed`, `replies`, `member(s)`,
 * `search`, `createPost`, `createReply`, `updatePost`, `deletePost`, `addReaction`,
 * `removeReaction`. Permissions as Bettermode documents them: guests see public spaces only, a
 * private space needs membership, posting needs a member allowed to post there, and a member
 * edits only their own posts (an admin any).
 */
export function createContentResolvers(
  content: CommunityContent,
  state: EmulatorState,
): Record<string, Record<string, Resolver>> {
  const { network } = state;

  const viewerOf = (context: EmulatorContext): Viewer => {
    if (!context.caller) throw unauthorized();
    const member = context.caller.member;
    return { member, admin: member?.role.type === 'admin' };
  };
  const canSee = (viewer: Viewer, space: StoredSpace): boolean =>
    !space.private || viewer.admin || (viewer.member !== null && space.memberIds.has(viewer.member.id));
  const canPost = (viewer: Viewer, space: StoredSpace): boolean =>
    viewer.member !== null && canSee(viewer, space) && (space.postingBy === 'members' || viewer.admin);
  const spaceOf = (post: StoredPost) => content.spacesById.get(post.spaceId)!;

  const visibleSpace = (viewer: Viewer, space: StoredSpace | undefined): StoredSpace => {
    if (!space) throw notFound('Space');
    if (!canSee(viewer, space)) throw forbidden('You are not allowed to see this space');
    return space;
  };
  const visiblePost = (viewer: Viewer, id: string): StoredPost => {
    const post = content.postsById.get(id);
    if (!post) throw notFound('Post');
    if (!canSee(viewer, spaceOf(post))) throw forbidden('You are not allowed to see this post');
    return post;
  };
  const member = (id: string) => state.membersById.get(id);
  const checkOrder = (coordinate: string, orderBy: string | null | undefined) => {
    if (orderBy != null && !servedOrders.has(orderBy)) throw notImplemented(`${coordinate}(orderBy: ${orderBy})`);
  };

  const spaceView = (space: StoredSpace) => ({
    __typename: 'Space',
    id: space.id,
    name: space.name,
    slug: space.slug,
    description: space.description,
    private: space.private,
    hidden: false,
    inviteOnly: space.private,
    type: 'Group',
    layout: 'default',
    createdAt: space.createdAt,
    createdById: space.createdById,
    networkId: network.id,
    membersCount: space.private ? space.memberIds.size : state.membersById.size,
    postsCount: space.posts.length,
    customOrderingIndexInGroup: space.index,
    highlightedTagIds: [],
    relativeUrl: `/${space.slug}`,
    url: `https://${network.domain}/${space.slug}`,
    bannerId: null,
    imageId: null,
    groupId: null,
    whoCanPost: null,
    whoCanReact: null,
    whoCanReply: null,
  });

  const memberView = (viewer: Viewer, stored: StoredMember) => {
    const { id, name, username, email, role, createdAt } = stored;
    // An email is the member's own business, and their admins'.
    const shownEmail = viewer.admin || viewer.member?.id === id ? email : null;
    return {
      ...memberBase({ id, name, username, email: shownEmail, role, createdAt }, network),
      __typename: 'Member',
      status: 'VERIFIED',
      verifiedAt: createdAt,
    };
  };

  const postView = (viewer: Viewer, post: StoredPost) => {
    const reactions = [...post.reactions].filter(([, members]) => members.size > 0);
    const reactionsCount = reactions.reduce((sum, [, members]) => sum + members.size, 0);
    const title = fieldText(post, 'title');
    const html = fieldText(post, 'content') ?? '';
    return {
      __typename: 'Post',
      id: post.id,
      title,
      shortContent: html.replace(/<[^>]*>/g, '').slice(0, 200),
      mappingFields: post.mappingFields.map((field) => ({ ...field })),
      createdAt: post.createdAt,
      updatedAt: post.updatedAt,
      publishedAt: post.createdAt,
      lastActivityAt: post.replies.at(-1)?.createdAt ?? post.updatedAt,
      createdById: post.authorId,
      ownerId: post.authorId,
      spaceId: post.spaceId,
      networkId: network.id,
      postTypeId: post.postTypeId,
      repliedToId: post.repliedToId,
      repliedToIds: post.repliedToId ? [post.repliedToId] : [],
      status: 'PUBLISHED',
      slug: post.id.toLowerCase(),
      relativeUrl: `/${spaceOf(post).slug}/post/${post.id}`,
      url: `https://${network.domain}/${spaceOf(post).slug}/post/${post.id}`,
      isAnonymous: false,
      isHidden: false,
      hasMoreContent: false,
      repliesCount: post.replies.length,
      totalRepliesCount: post.replies.length,
      reactionsCount,
      positiveReactionsCount: reactionsCount,
      negativeReactionsCount: 0,
      primaryReactionType: 'EMOJI_BASE',
      reactions: reactions.map(([reaction, members]) => ({
        reaction,
        count: members.size,
        reacted: viewer.member !== null && members.has(viewer.member.id),
      })),
      attachmentIds: [],
      embedIds: [],
      imageIds: [],
      mentionedMembers: [],
      pinnedInto: [],
      singleChoiceReactions: [],
      topRepliers: [],
      tagIds: [],
      // For the type resolvers below.
      stored: post,
    };
  };

  const spaceMemberView = (viewer: Viewer, memberId: string, space: StoredSpace) => {
    const stored = member(memberId);
    return { member: stored ? memberView(viewer, stored) : null, space: spaceView(space), role: null };
  };

  const postPage = (
    viewer: Viewer,
    items: readonly StoredPost[],
    args: PageArgs,
    keep?: (post: StoredPost) => boolean,
  ) => connectionOf(items, args, (post) => postView(viewer, post), keep);

  const mappingFieldsInput = (fields: MappingField[] | null | undefined): MappingField[] | undefined => {
    if (fields == null) return undefined;
    return fields.map(({ key, type, value }) => {
      try {
        JSON.parse(value);
      } catch {
        throw badUserInput(`mappingFields.${key}: value must be JSON-encoded (e.g. "\\"Hello\\"")`);
      }
      return { key, type, value };
    });
  };
  const requireMember = (viewer: Viewer): StoredMember => {
    if (!viewer.member) throw forbidden('Log in to do this');
    return viewer.member;
  };
  const editable = (viewer: Viewer, id: string): StoredPost => {
    const post = visiblePost(viewer, id);
    const editor = requireMember(viewer);
    if (post.authorId !== editor.id && !viewer.admin)
      throw forbidden('Only its author or an admin can change this post');
    return post;
  };

  return {
    Query: {
      space: (_source, args: { id?: string | null; slug?: string | null; path?: string | null }, context) => {
        const viewer = viewerOf(context);
        const slug = args.slug ?? args.path?.replace(/^\/+|\/+$/g, '');
        const space =
          args.id != null ? content.spacesById.get(args.id) : slug ? content.spacesBySlug.get(slug) : undefined;
        if (args.id == null && !slug) throw badUserInput('space needs id, slug or path');
        return spaceView(visibleSpace(viewer, space));
      },
      spaces: (
        _source,
        args: PageArgs & {
          orderBy?: string | null;
          query?: string | null;
          memberId?: string | null;
          type?: string[] | null;
        },
        context,
      ) => {
        const viewer = viewerOf(context);
        checkOrder('Query.spaces', args.orderBy);
        const query = args.query?.trim().toLowerCase();
        const spaces = content.spaces.map((space, index) => ({ space, seq: index + 1 }));
        return connectionOf(
          spaces,
          { ...args, reverse: !args.reverse },
          ({ space }) => spaceView(space),
          ({ space }) =>
            canSee(viewer, space) &&
            (!query || space.name.toLowerCase().includes(query)) &&
            (args.memberId == null || (space.private ? space.memberIds.has(args.memberId) : true)) &&
            (args.type == null || args.type.includes('Group')),
        );
      },
      post: (_source, { id }: { id: string }, context) => {
        const viewer = viewerOf(context);
        return postView(viewer, visiblePost(viewer, id));
      },
      posts: (_source, args: PageArgs & { spaceIds?: string[] | null; orderBy?: string | null }, context) => {
        const viewer = viewerOf(context);
        checkOrder('Query.posts', args.orderBy);
        if (args.spaceIds?.length === 1) {
          const space = visibleSpace(viewer, content.spacesById.get(args.spaceIds[0]!));
          return postPage(viewer, space.posts, args);
        }
        const wanted = args.spaceIds == null ? null : new Set(args.spaceIds);
        if (wanted) for (const id of wanted) visibleSpace(viewer, content.spacesById.get(id));
        return postPage(viewer, content.topLevel, args, (post) =>
          wanted ? wanted.has(post.spaceId) : canSee(viewer, spaceOf(post)),
        );
      },
      feed: (_source, args: PageArgs & { onlyMemberSpaces?: boolean | null; orderBy?: string | null }, context) => {
        const viewer = viewerOf(context);
        checkOrder('Query.feed', args.orderBy);
        return postPage(viewer, content.topLevel, args, (post) => {
          const space = spaceOf(post);
          if (!canSee(viewer, space)) return false;
          return args.onlyMemberSpaces !== true || (viewer.member !== null && space.memberIds.has(viewer.member.id));
        });
      },
      replies: (_source, args: PageArgs & { postId: string; orderBy?: string | null }, context) => {
        const viewer = viewerOf(context);
        checkOrder('Query.replies', args.orderBy);
        return postPage(viewer, visiblePost(viewer, args.postId).replies, args);
      },
      member: (_source, args: { id?: string | null; username?: string | null }, context) => {
        const viewer = viewerOf(context);
        if (args.id == null && args.username == null) throw badUserInput('member needs id or username');
        const found = args.id != null ? member(args.id) : state.membersByLogin.get(String(args.username).toLowerCase());
        if (!found || (args.username != null && found.username.toLowerCase() !== args.username.toLowerCase()))
          throw notFound('Member');
        return memberView(viewer, found);
      },
      members: (
        _source,
        args: PageArgs & { query?: string | null; roleIds?: string[] | null; orderBy?: string | null },
        context,
      ) => {
        const viewer = viewerOf(context);
        if (args.orderBy != null && args.orderBy !== 'createdAt')
          throw notImplemented(`Query.members(orderBy: ${args.orderBy})`);
        const query = args.query?.trim().toLowerCase();
        const members = [...state.membersById.values()]
          .filter((candidate) => !candidate.id.startsWith('BOT'))
          .map((stored, index) => ({ stored, seq: index + 1 }));
        return connectionOf(
          members,
          { ...args, reverse: !args.reverse },
          ({ stored }) => memberView(viewer, stored),
          ({ stored }) =>
            (!query || stored.name.toLowerCase().includes(query) || stored.username.toLowerCase().includes(query)) &&
            (args.roleIds == null || args.roleIds.includes(stored.role.id)),
        );
      },
      search: (_source, { input }: { input: { query: string } }, context) => {
        const viewer = viewerOf(context);
        const query = input.query.trim().toLowerCase();
        if (query === '') throw badUserInput('search needs a query');
        const perGroup = 10;
        const posts: unknown[] = [];
        for (let index = content.topLevel.length - 1; index >= 0 && posts.length < perGroup; index -= 1) {
          const post = content.topLevel[index]!;
          const space = spaceOf(post);
          if (!canSee(viewer, space)) continue;
          const title = fieldText(post, 'title') ?? '';
          const text = fieldText(post, 'content') ?? '';
          if (!title.toLowerCase().includes(query) && !text.toLowerCase().includes(query)) continue;
          const author = member(post.authorId);
          posts.push({
            id: post.id,
            entityId: post.id,
            entityType: 'post',
            title,
            content: text.replace(/<[^>]*>/g, ''),
            subtitle: space.name,
            created: post.createdAt,
            by: author ? memberView(viewer, author) : null,
            in: spaceView(space),
            media: null,
            tags: [],
          });
        }
        const spaces = content.spaces
          .filter((space) => canSee(viewer, space) && space.name.toLowerCase().includes(query))
          .slice(0, perGroup)
          .map((space) => ({
            id: space.id,
            entityId: space.id,
            entityType: 'space',
            title: space.name,
            content: space.description,
            subtitle: null,
            created: space.createdAt,
            by: null,
            in: null,
            media: null,
            tags: [],
          }));
        const members = [...state.membersById.values()]
          .filter(
            (candidate) =>
              !candidate.id.startsWith('BOT') &&
              (candidate.name.toLowerCase().includes(query) || candidate.username.toLowerCase().includes(query)),
          )
          .slice(0, perGroup)
          .map((found) => ({
            id: found.id,
            entityId: found.id,
            entityType: 'member',
            title: found.name,
            content: null,
            subtitle: `@${found.username}`,
            created: found.createdAt,
            by: null,
            in: null,
            media: null,
            tags: [],
          }));
        const hits = [
          { entityType: 'post', hits: posts },
          { entityType: 'space', hits: spaces },
          { entityType: 'member', hits: members },
        ].filter((group) => group.hits.length > 0);
        return { hits, totalCount: posts.length + spaces.length + members.length };
      },
    },
    Mutation: {
      createPost: (
        _source,
        { spaceId, input }: { spaceId: string; input: { postTypeId: string; mappingFields?: MappingField[] | null } },
        context,
      ) => {
        const viewer = viewerOf(context);
        const space = visibleSpace(viewer, content.spacesById.get(spaceId));
        const author = requireMember(viewer);
        if (!canPost(viewer, space)) throw forbidden('You are not allowed to post in this space');
        const fields = mappingFieldsInput(input.mappingFields) ?? [];
        const post = content.createPost({
          spaceId: space.id,
          authorId: author.id,
          postTypeId: input.postTypeId,
          mappingFields: fields,
          repliedToId: null,
        });
        return postView(viewer, post);
      },
      createReply: (
        _source,
        { postId, input }: { postId: string; input: { postTypeId: string; mappingFields?: MappingField[] | null } },
        context,
      ) => {
        const viewer = viewerOf(context);
        const parent = visiblePost(viewer, postId);
        const author = requireMember(viewer);
        if (parent.repliedToId !== null) throw badUserInput('Replies are made to posts, not to replies');
        const reply = content.createPost({
          spaceId: parent.spaceId,
          authorId: author.id,
          postTypeId: input.postTypeId,
          mappingFields: mappingFieldsInput(input.mappingFields) ?? [],
          repliedToId: parent.id,
        });
        return postView(viewer, reply);
      },
      updatePost: (
        _source,
        { id, input }: { id: string; input: { mappingFields?: MappingField[] | null } },
        context,
      ) => {
        const viewer = viewerOf(context);
        const post = editable(viewer, id);
        const fields = mappingFieldsInput(input.mappingFields);
        if (fields) {
          const byKey = new Map(post.mappingFields.map((field) => [field.key, field]));
          for (const field of fields) byKey.set(field.key, field);
          post.mappingFields = [...byKey.values()];
        }
        post.updatedAt = new Date().toISOString();
        return postView(viewer, post);
      },
      deletePost: (_source, { id }: { id: string }, context) => {
        const viewer = viewerOf(context);
        content.deletePost(editable(viewer, id));
        return { status: 'succeeded' };
      },
      addReaction: (_source, { postId, input }: { postId: string; input: { reaction: string } }, context) => {
        const viewer = viewerOf(context);
        const post = visiblePost(viewer, postId);
        const reactor = requireMember(viewer);
        const reaction = input.reaction.trim();
        if (reaction === '' || reaction.length > 64)
          throw badUserInput('reaction must be a name of 1 to 64 characters');
        let members = post.reactions.get(reaction);
        if (!members) post.reactions.set(reaction, (members = new Set()));
        members.add(reactor.id);
        return { status: 'succeeded' };
      },
      removeReaction: (_source, { postId, reaction }: { postId: string; reaction: string }, context) => {
        const viewer = viewerOf(context);
        const post = visiblePost(viewer, postId);
        const reactor = requireMember(viewer);
        post.reactions.get(reaction)?.delete(reactor.id);
        return { status: 'succeeded' };
      },
    },
    Post: {
      space: ({ stored }: { stored: StoredPost }) => spaceView(spaceOf(stored)),
      owner: ({ stored }: { stored: StoredPost }, _args, context) =>
        spaceMemberView(viewerOf(context), stored.authorId, spaceOf(stored)),
      createdBy: ({ stored }: { stored: StoredPost }, _args, context) =>
        spaceMemberView(viewerOf(context), stored.authorId, spaceOf(stored)),
      repliedTo: ({ stored }: { stored: StoredPost }, _args, context) => {
        if (stored.repliedToId === null) return null;
        const parent = content.postsById.get(stored.repliedToId);
        return parent ? postView(viewerOf(context), parent) : null;
      },
      replies: ({ stored }: { stored: StoredPost }, args: PageArgs & { orderBy?: string | null }, context) => {
        checkOrder('Post.replies', args.orderBy);
        return postPage(viewerOf(context), stored.replies, args);
      },
    },
    Space: {
      posts: ({ id }: { id: string }, args: { limit: number }, context) => {
        const viewer = viewerOf(context);
        return postPage(viewer, visibleSpace(viewer, content.spacesById.get(id)).posts, { limit: args.limit });
      },
    },
  };
}
