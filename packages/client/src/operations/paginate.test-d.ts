import {
  FeedDocument,
  RepliesDocument,
  SpacePostsDocument,
  type PostSummaryFieldsFragment,
} from '@bettermode-kit/operations';
import { describe, expectTypeOf, test } from 'vitest';
import { createBettermodeClient, paginate, type Page } from '../index';

const bm = createBettermodeClient({ networkDomain: 'community.bettermode.io' });

describe('paginate', () => {
  test('nodes are typed from the document’s connection; variables are checked', () => {
    const walk = paginate(bm, SpacePostsDocument, { spaceId: 'Spc0000001', limit: 100 });
    expectTypeOf(walk.collect()).resolves.toEqualTypeOf<PostSummaryFieldsFragment[]>();
    expectTypeOf(walk.pages()).toMatchTypeOf<AsyncIterable<Page<PostSummaryFieldsFragment>>>();
    expectTypeOf(paginate(bm, FeedDocument, { limit: 10 }).collect()).resolves.toEqualTypeOf<
      PostSummaryFieldsFragment[]
    >();
    expectTypeOf(paginate(bm, RepliesDocument, { postId: 'p', limit: 10 }).collect()).resolves.items.toHaveProperty(
      'mappingFields',
    );
    // @ts-expect-error: limit is required by the operation
    paginate(bm, SpacePostsDocument, { spaceId: 'Spc0000001' });
    // @ts-expect-error: limit is a number
    paginate(bm, SpacePostsDocument, { spaceId: 'Spc0000001', limit: 'ten' });
  });
});
