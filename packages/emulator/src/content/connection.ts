import { badUserInput } from '../emulator-errors';
import { lowerBound } from './community-content';

/** The paging arguments every Bettermode connection takes. */
export interface PageArgs {
  limit: number;
  after?: string | null;
  before?: string | null;
  offset?: number | null;
  reverse?: boolean | null;
}

/** The largest `limit` the emulator serves. */
export const maxPageSize = 100;

/** A Bettermode connection: `totalCount`, `pageInfo`, `edges { cursor node }` and `nodes`. */
export interface Connection<Node> {
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  edges: { cursor: string; node: Node }[];
  nodes: Node[];
}

/**
 * One page of `items` (kept in creation order, `seq` ascending), newest first unless `reverse`.
 * Cursors name an item's `seq`: items added during a walk come before its cursor (newest first)
 * or after everything seen so far (`reverse`), so none of the older ones is skipped or repeated.
 * `keep` filters (what the caller may see); `view` makes each node.
 */
export function connectionOf<Item extends { seq: number }, Node>(
  items: readonly Item[],
  args: PageArgs,
  view: (item: Item) => Node,
  keep?: (item: Item) => boolean,
): Connection<Node> {
  const limit = args.limit;
  if (!Number.isInteger(limit) || limit < 0 || limit > maxPageSize)
    throw badUserInput(`limit must be a whole number from 0 to ${maxPageSize}`);
  const offset = args.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw badUserInput('offset must be a whole number, 0 or more');
  const newestFirst = args.reverse !== true;
  const step = newestFirst ? -1 : 1;
  const matches = (index: number) => keep === undefined || keep(items[index]!);
  // The index the walk starts from, and where it stops (exclusive), in the walk's direction.
  let start = newestFirst ? items.length - 1 : 0;
  const after = args.after == null ? null : cursorSeq(args.after);
  if (after !== null) {
    const bound = lowerBound(items, after);
    start = newestFirst ? bound - 1 : items[bound]?.seq === after ? bound + 1 : bound;
  }
  let picked: number[] = [];
  if (args.before != null) {
    // The `limit` items just before the cursor, in the walk's order.
    const before = cursorSeq(args.before);
    const bound = lowerBound(items, before);
    const beforeStart = newestFirst ? (items[bound]?.seq === before ? bound + 1 : bound) : bound - 1;
    for (let index = beforeStart; index >= 0 && index < items.length && picked.length < limit; index -= step)
      if (matches(index)) picked.push(index);
    picked.reverse();
  } else {
    let skipped = 0;
    for (let index = start; index >= 0 && index < items.length && picked.length < limit; index += step) {
      if (!matches(index)) continue;
      if (skipped < offset) skipped += 1;
      else picked.push(index);
    }
  }
  let hasNextPage = false;
  const last = picked.at(-1);
  if (last !== undefined || args.before == null) {
    for (let index = last === undefined ? start : last + step; index >= 0 && index < items.length; index += step) {
      if (matches(index)) {
        hasNextPage = true;
        break;
      }
    }
  }
  if (limit === 0) picked = [];
  const edges = picked.map((index) => {
    const item = items[index]!;
    return { cursor: cursorOf(item.seq), node: view(item) };
  });
  let totalCount = items.length;
  if (keep) {
    totalCount = 0;
    for (const item of items) if (keep(item)) totalCount += 1;
  }
  return {
    totalCount,
    pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage },
    edges,
    nodes: edges.map((edge) => edge.node),
  };
}

/** An opaque cursor for the item created `seq`-th. */
export function cursorOf(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function cursorSeq(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badUserInput('The cursor is not one this API gave');
  return Number(match[1]);
}
