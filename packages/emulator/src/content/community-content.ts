import { randomId } from '../emulator-seed';
import type { StoredMember } from '../emulator-state';
import type { CommunityFixture } from './community-fixture';

/** A space as the emulator keeps it. */
export interface StoredSpace {
  id: string;
  slug: string;
  name: string;
  description: string;
  private: boolean;
  postingBy: 'members' | 'admins';
  /** Member ids; for a public space, those who joined (everyone may read and post there). */
  memberIds: Set<string>;
  createdAt: string;
  createdById: string;
  index: number;
  /** Its posts (not replies), oldest first: `seq` ascending. */
  posts: StoredPost[];
}

/** One `{ key, type, value }` of a post's content; `value` is JSON-encoded, as Bettermode keeps it. */
export interface MappingField {
  key: string;
  type: string;
  value: string;
}

/** A post or a reply. */
export interface StoredPost {
  id: string;
  /** Creation order across the community: what cursors hold, so a walk is stable while posts are added. */
  seq: number;
  spaceId: string;
  authorId: string;
  postTypeId: string;
  mappingFields: MappingField[];
  createdAt: string;
  updatedAt: string;
  repliedToId: string | null;
  /** Replies, oldest first. */
  replies: StoredPost[];
  /** Reaction name to the ids of the members who reacted. */
  reactions: Map<string, Set<string>>;
}

// Seeded content is dated a minute apart from here, in creation order.
const seedEpoch = Date.UTC(2026, 0, 1);

/**
 * The community's spaces, posts, replies and reactions, in memory. Lists are kept in creation
 * order (`seq`), so pages are cut by binary search and a cursor survives posts being added.
 */
export class CommunityContent {
  readonly spaces: StoredSpace[] = [];
  readonly spacesById = new Map<string, StoredSpace>();
  readonly spacesBySlug = new Map<string, StoredSpace>();
  readonly postsById = new Map<string, StoredPost>();
  /** Every post that is not a reply, oldest first. */
  readonly topLevel: StoredPost[] = [];
  #seq = 0;

  /** Loads a fixture; `membersByUsername` resolves its authors and space members. */
  static fromFixture(
    fixture: CommunityFixture,
    membersByUsername: ReadonlyMap<string, StoredMember>,
    admin: StoredMember,
  ): CommunityContent {
    const content = new CommunityContent();
    const member = (username: string, where: string): StoredMember => {
      const found = membersByUsername.get(username.toLowerCase());
      if (!found)
        throw new Error(`@bettermode-kit/emulator: content fixture: unknown member "${username}" in ${where}`);
      return found;
    };
    // Ids are derived from positions, so the same fixture gives the same ids at every start.
    fixture.spaces.forEach((fixtureSpace, spaceIndex) => {
      if (content.spacesBySlug.has(fixtureSpace.slug))
        throw new Error(`@bettermode-kit/emulator: content fixture: two spaces share the slug "${fixtureSpace.slug}"`);
      const space: StoredSpace = {
        id: `Spc${String(spaceIndex + 1).padStart(7, '0')}`,
        slug: fixtureSpace.slug,
        name: fixtureSpace.name,
        description: fixtureSpace.description ?? '',
        private: fixtureSpace.private === true,
        postingBy: fixtureSpace.postingBy ?? 'members',
        memberIds: new Set((fixtureSpace.members ?? []).map((username) => member(username, fixtureSpace.slug).id)),
        createdAt: new Date(seedEpoch).toISOString(),
        createdById: admin.id,
        index: spaceIndex,
        posts: [],
      };
      content.addSpace(space);
      (fixtureSpace.posts ?? []).forEach((fixturePost, postIndex) => {
        const where = `${fixtureSpace.slug} post ${postIndex + 1}`;
        const post = content.addPost({
          id: `Pst${String(spaceIndex + 1).padStart(2, '0')}${String(postIndex + 1).padStart(6, '0')}`,
          spaceId: space.id,
          authorId: member(fixturePost.author, where).id,
          postTypeId: 'discussion',
          mappingFields: contentFields(fixturePost.title, fixturePost.content),
          repliedToId: null,
        });
        fixturePost.replies?.forEach((reply, replyIndex) =>
          content.addPost({
            id: `${post.id}r${replyIndex + 1}`,
            spaceId: space.id,
            authorId: member(reply.author, where).id,
            postTypeId: 'comment',
            mappingFields: contentFields(null, reply.content),
            repliedToId: post.id,
          }),
        );
        for (const { reaction, by } of fixturePost.reactions ?? [])
          post.reactions.set(reaction, new Set(by.map((username) => member(username, where).id)));
      });
    });
    return content;
  }

  addSpace(space: StoredSpace): void {
    this.spaces.push(space);
    this.spacesById.set(space.id, space);
    this.spacesBySlug.set(space.slug, space);
  }

  /** Adds a post or a reply as the newest; seeded posts (before any request) are dated by their order. */
  addPost(fields: Omit<StoredPost, 'seq' | 'createdAt' | 'updatedAt' | 'replies' | 'reactions'>): StoredPost {
    const seq = ++this.#seq;
    const createdAt = new Date(Math.max(seedEpoch + seq * 60_000, this.#seeded ? Date.now() : 0)).toISOString();
    const post: StoredPost = { ...fields, seq, createdAt, updatedAt: createdAt, replies: [], reactions: new Map() };
    this.postsById.set(post.id, post);
    if (post.repliedToId === null) {
      this.topLevel.push(post);
      this.spacesById.get(post.spaceId)?.posts.push(post);
    } else this.postsById.get(post.repliedToId)?.replies.push(post);
    return post;
  }

  /** A new post or reply made through the API: a fresh id, dated now. */
  createPost(fields: Omit<StoredPost, 'id' | 'seq' | 'createdAt' | 'updatedAt' | 'replies' | 'reactions'>): StoredPost {
    this.#seeded = true;
    let id = randomId(10);
    while (this.postsById.has(id)) id = randomId(10);
    return this.addPost({ ...fields, id });
  }

  /** Removes a post with its replies. */
  deletePost(post: StoredPost): void {
    for (const reply of post.replies) this.postsById.delete(reply.id);
    this.postsById.delete(post.id);
    if (post.repliedToId === null) {
      removeBySeq(this.topLevel, post);
      const space = this.spacesById.get(post.spaceId);
      if (space) removeBySeq(space.posts, post);
    } else {
      const parent = this.postsById.get(post.repliedToId);
      if (parent) removeBySeq(parent.replies, post);
    }
  }

  #seeded = false;
}

/** A post's title and HTML content as Bettermode's mapping fields (values JSON-encoded). */
export function contentFields(title: string | null, html: string): MappingField[] {
  const fields: MappingField[] = [];
  if (title !== null) fields.push({ key: 'title', type: 'text', value: JSON.stringify(title) });
  fields.push({ key: 'content', type: 'html', value: JSON.stringify(html) });
  return fields;
}

/** The decoded value of a post's mapping field, or null. */
export function fieldText(post: StoredPost, key: string): string | null {
  const field = post.mappingFields.find((candidate) => candidate.key === key);
  if (!field) return null;
  try {
    const value: unknown = JSON.parse(field.value);
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return null;
  }
}

/** Index of the first item whose seq is at least `seq` (lists are seq-ascending). */
export function lowerBound(items: readonly { seq: number }[], seq: number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (items[middle]!.seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function removeBySeq(items: StoredPost[], post: StoredPost): void {
  const index = lowerBound(items, post.seq);
  if (items[index] === post) items.splice(index, 1);
}
