import { createBettermodeClient } from '@bettermode-kit/client';
import { nodeHttpFetch } from '@bettermode-kit/client/node';
import { AuthMemberDocument } from '@bettermode-kit/operations';

// bettermode-kit with its opt-in Node transport (node:http keep-alive) instead of the global fetch.
export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const transport = nodeHttpFetch();
  const bm = createBettermodeClient({ endpoint, networkDomain, fetch: transport });
  await bm.login({ usernameOrEmail, password });
  const { authMember } = await bm.query(AuthMemberDocument, {});
  bm.close();
  transport.close();
  return authMember.name;
}

export async function createRequester({ endpoint, networkDomain, usernameOrEmail, password }) {
  const transport = nodeHttpFetch();
  const bm = createBettermodeClient({ endpoint, networkDomain, fetch: transport });
  await bm.login({ usernameOrEmail, password });
  return {
    request: (index) => bm.query(AuthMemberDocument, { requestId: index }),
    close: () => {
      bm.close();
      transport.close();
    },
  };
}
