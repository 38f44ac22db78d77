import { createBettermodeClient } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';

// bettermode-kit with Node's global fetch passed in, instead of its default node:http transport.
const fetchTransport = (input, init) => fetch(input, init);

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const bm = createBettermodeClient({ endpoint, networkDomain, fetch: fetchTransport });
  await bm.login({ usernameOrEmail, password });
  const { authMember } = await bm.query(AuthMemberDocument, {});
  bm.close();
  return authMember.name;
}

export async function createRequester({ endpoint, networkDomain, usernameOrEmail, password }) {
  const bm = createBettermodeClient({ endpoint, networkDomain, fetch: fetchTransport });
  await bm.login({ usernameOrEmail, password });
  return { request: (index) => bm.query(AuthMemberDocument, { requestId: index }), close: () => bm.close() };
}
