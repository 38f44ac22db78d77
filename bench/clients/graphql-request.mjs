import { AuthMemberDocument, LoginNetworkDocument, TokensDocument } from '@bettermode-kit/operations';
import { GraphQLClient } from 'graphql-request';

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const client = new GraphQLClient(endpoint);
  const { tokens } = await client.request(TokensDocument, { networkDomain });
  client.setHeader('authorization', `Bearer ${tokens.accessToken}`);
  const { loginNetwork } = await client.request(LoginNetworkDocument, { input: { usernameOrEmail, password } });
  client.setHeader('authorization', `Bearer ${loginNetwork.accessToken}`);
  const { authMember } = await client.request(AuthMemberDocument);
  return authMember.name;
}

export async function createRequester({ endpoint, token }) {
  const client = new GraphQLClient(endpoint, { headers: { authorization: `Bearer ${token}` } });
  return { request: (index) => client.request(AuthMemberDocument, { requestId: index }), close() {} };
}
