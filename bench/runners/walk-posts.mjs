// Child process: walks every post of a space with `limit` 100 as a guest, with one client, and
// prints JSON: posts read, distinct ids, wall time, peak RSS. `bettermode-kit` is paginate();
// `urql-loop` a hand-written loop on @urql/core's Client (fetchExchange, the token in
// fetchOptions); `official-client` a hand-written loop on the official client's GraphqlClient
// (its posts.list selects fields and arguments the schema lacks, so it sends the same query).
import { createBettermodeClient, paginate } from '@bettermode-kit/client';
import { SpacePostsDocument, SpacePostsSource } from '@bettermode-kit/operations';
import { Client, fetchExchange } from '@urql/core';
import { GraphqlClient } from '../node_modules/@tribeplatform/gql-client/dist/client/graphql.client.js';
import { peakRssKb } from './peak-rss.mjs';

const [endpoint, client, spaceId] = process.argv.slice(2);
const networkDomain = 'community.bettermode.io';
const limit = 100;

async function guestToken() {
  const answer = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ tokens(networkDomain: "${networkDomain}") { accessToken } }` }),
  });
  return (await answer.json()).data.tokens.accessToken;
}

const ids = [];
let close = () => undefined;
let walk;
if (client === 'bettermode-kit') {
  const bm = createBettermodeClient({ endpoint, networkDomain });
  await bm.getSession({ fresh: true });
  close = () => bm.close();
  walk = async () => {
    for await (const post of paginate(bm, SpacePostsDocument, { spaceId, limit })) ids.push(post.id);
  };
} else if (client === 'urql-loop') {
  const token = await guestToken();
  const urql = new Client({
    url: endpoint,
    exchanges: [fetchExchange],
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
  walk = async () => {
    let after = null;
    for (;;) {
      const result = await urql
        .query(SpacePostsDocument, { spaceId, limit, after }, { requestPolicy: 'network-only' })
        .toPromise();
      if (result.error) throw result.error;
      const { nodes, pageInfo } = result.data.posts;
      for (const post of nodes) ids.push(post.id);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
  };
} else if (client === 'official-client') {
  const official = new GraphqlClient({ graphqlUrl: endpoint, accessToken: await guestToken() });
  walk = async () => {
    let after = null;
    for (;;) {
      const { posts } = await official.authorizedRequest({
        query: SpacePostsSource,
        variables: { spaceId, limit, after },
      });
      for (const post of posts.nodes) ids.push(post.id);
      if (!posts.pageInfo.hasNextPage) break;
      after = posts.pageInfo.endCursor;
    }
  };
} else throw new Error(`unknown client ${client}`);

const started = performance.now();
await walk();
const wallMs = performance.now() - started;
close();
console.log(JSON.stringify({ posts: ids.length, distinct: new Set(ids).size, wallMs, peakRssMb: peakRssKb() / 1024 }));
process.exit(0);
