import { authMemberQuery, loginMutation, tokensQuery } from './documents.mjs';

async function post(endpoint, query, variables, token) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors[0].message);
  return body.data;
}

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const guest = (await post(endpoint, tokensQuery, { networkDomain })).tokens.accessToken;
  const member = (await post(endpoint, loginMutation, { input: { usernameOrEmail, password } }, guest)).loginNetwork
    .accessToken;
  return (await post(endpoint, authMemberQuery, {}, member)).authMember.name;
}

export async function createRequester({ endpoint, token }) {
  return { request: (index) => post(endpoint, authMemberQuery, { requestId: index }, token), close() {} };
}
