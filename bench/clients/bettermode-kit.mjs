import { createBettermodeClient } from '@bettermode-kit/client';
import { AuthMemberDocument } from '@bettermode-kit/operations';

/** Guest token, login, one query: what a user of bettermode-kit writes. */
export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const bm = createBettermodeClient({ endpoint, networkDomain });
  await bm.login({ usernameOrEmail, password });
  const { authMember } = await bm.query(AuthMemberDocument, {});
  bm.close();
  return authMember.name;
}

/** A logged-in client; each call sends a distinct AuthMember request (a variable that differs). */
export async function createRequester({ endpoint, networkDomain, usernameOrEmail, password }) {
  const bm = createBettermodeClient({ endpoint, networkDomain });
  await bm.login({ usernameOrEmail, password });
  return { request: (index) => bm.query(AuthMemberDocument, { requestId: index }), close: () => bm.close() };
}
