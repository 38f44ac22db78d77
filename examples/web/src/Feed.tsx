import {
  CreateReplyDocument,
  PostDocument,
  RepliesDocument,
  SpacePostsDocument,
  SpacesDocument,
} from '@bettermode-kit/operations';
import { useMutation, useQuery, useSession } from '@bettermode-kit/react';
import { useState, type FormEvent } from 'react';

const pageSize = 5;

/** The community's spaces, a space's posts with "Load more", and the post opened. */
export function Feed() {
  const [{ data }] = useQuery({ query: SpacesDocument, variables: { limit: 20 } });
  const spaces = data?.spaces.nodes ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const [openPost, setOpenPost] = useState<string | null>(null);
  const spaceId = chosen ?? spaces[0]?.id ?? null;
  return (
    <section data-testid="feed">
      <nav className="spaces">
        {spaces.map((space) => (
          <button
            key={space.id}
            type="button"
            aria-pressed={space.id === spaceId}
            data-testid={`space-${space.slug}`}
            onClick={() => {
              setChosen(space.id);
              setOpenPost(null);
            }}
          >
            {space.name}
            {space.private ? ' (private)' : ''}
          </button>
        ))}
      </nav>
      {openPost ? (
        <PostView postId={openPost} onBack={() => setOpenPost(null)} />
      ) : (
        spaceId && <PostList key={spaceId} spaceId={spaceId} onOpen={setOpenPost} />
      )}
    </section>
  );
}

/** A space's posts, newest first, one page per cursor: "Load more" adds the next page. */
function PostList({ spaceId, onOpen }: { spaceId: string; onOpen: (id: string) => void }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <ul className="posts" data-testid="posts">
      {cursors.map((after, index) => (
        <PostPage
          key={after ?? 'first'}
          spaceId={spaceId}
          after={after}
          last={index === cursors.length - 1}
          onMore={(next) => setCursors((before) => [...before, next])}
          onOpen={onOpen}
        />
      ))}
    </ul>
  );
}

function PostPage(props: {
  spaceId: string;
  after: string | null;
  last: boolean;
  onMore: (cursor: string) => void;
  onOpen: (id: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: SpacePostsDocument,
    variables: { spaceId: props.spaceId, limit: pageSize, after: props.after },
  });
  const posts = data?.posts;
  return (
    <>
      {posts?.nodes?.map((post) => (
        <li key={post.id} data-testid="post-item">
          <button type="button" className="link" onClick={() => props.onOpen(post.id)}>
            {post.title}
          </button>
          <span className="muted">
            {' '}
            {post.repliesCount} {post.repliesCount === 1 ? 'reply' : 'replies'}, {post.reactionsCount} reactions
          </span>
        </li>
      ))}
      {error && (
        <li role="alert" data-testid="posts-error">
          {error.networkError?.message ?? error.message}
        </li>
      )}
      {props.last && posts?.pageInfo.hasNextPage && posts.pageInfo.endCursor && (
        <li>
          <button
            type="button"
            data-testid="load-more"
            disabled={fetching}
            onClick={() => props.onMore(posts.pageInfo.endCursor as string)}
          >
            Load more
          </button>
        </li>
      )}
    </>
  );
}

/** One post with its replies, oldest first, and a reply form for members. */
function PostView({ postId, onBack }: { postId: string; onBack: () => void }) {
  const session = useSession();
  const [{ data }] = useQuery({ query: PostDocument, variables: { id: postId } });
  const [{ data: replies }, reloadReplies] = useQuery({
    query: RepliesDocument,
    variables: { postId, limit: 20, reverse: true },
  });
  const [reply, sendReply] = useMutation(CreateReplyDocument);
  const post = data?.post;
  const content = post?.mappingFields?.find((field) => field.key === 'content');
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get('reply') ?? '').trim();
    if (!text) return;
    const result = await sendReply({
      postId,
      input: {
        postTypeId: 'comment',
        // Bettermode keeps each value JSON-encoded; the text goes in as HTML, escaped.
        mappingFields: [{ key: 'content', type: 'html', value: JSON.stringify(`<p>${escapeHtml(text)}</p>`) }],
      },
    });
    if (!result.error) {
      form.reset();
      reloadReplies({ requestPolicy: 'network-only' });
    }
  };
  return (
    <article data-testid="post-view">
      <button type="button" className="link" onClick={onBack}>
        ← Back
      </button>
      <h3 data-testid="post-title">{post?.title ?? '…'}</h3>
      {post && (
        <p className="muted">
          by {post.owner?.member?.name ?? 'someone'}, {new Date(post.createdAt as string).toLocaleString('en')}
        </p>
      )}
      {/* Bettermode's content is HTML; this example shows it as text rather than trust it. */}
      {content && <p data-testid="post-content">{stripTags(JSON.parse(content.value) as string)}</p>}
      <h4>Replies ({replies?.replies.totalCount ?? 0})</h4>
      <ul data-testid="replies">
        {replies?.replies.nodes?.map((item) => {
          const text = item.mappingFields?.find((field) => field.key === 'content');
          return (
            <li key={item.id} data-testid="reply">
              <strong>{item.owner?.member?.name ?? 'someone'}</strong>:{' '}
              {text ? stripTags(JSON.parse(text.value) as string) : ''}
            </li>
          );
        })}
      </ul>
      {session?.kind === 'member' ? (
        <form onSubmit={submit} data-testid="reply-form">
          <label>
            Your reply
            <input name="reply" required maxLength={2000} />
          </label>
          <button type="submit" disabled={reply.fetching}>
            {reply.fetching ? 'Sending…' : 'Reply'}
          </button>
          {reply.error && (
            <p role="alert" data-testid="reply-error">
              {reply.error.networkError?.message ?? reply.error.message}
            </p>
          )}
        </form>
      ) : (
        <p className="muted">Log in to reply.</p>
      )}
    </article>
  );
}

/** The text of Bettermode's HTML content: tags dropped, character references read (React escapes the rest). */
function stripTags(html: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (reference: string, name: string) =>
      name.startsWith('#')
        ? String.fromCodePoint(Number.parseInt(name.slice(name[1] === 'x' ? 2 : 1), name[1] === 'x' ? 16 : 10))
        : (named[name.toLowerCase()] ?? reference),
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
