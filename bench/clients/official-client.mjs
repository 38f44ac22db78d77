// Bettermode's official client exports raw .ts sources; its compiled dist is loaded by path.
import { GraphqlClient } from '../node_modules/@tribeplatform/gql-client/dist/client/graphql.client.js';
import { authMemberQuery, loginMutation, tokensQuery } from './documents.mjs';

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const client = new GraphqlClient({ graphqlUrl: endpoint });
  const { tokens } = await client.authorizedRequest({ query: tokensQuery, variables: { networkDomain } });
  client.setToken(tokens.accessToken);
  const { loginNetwork } = await client.authorizedRequest({
    query: loginMutation,
    variables: { input: { usernameOrEmail, password } },
  });
  client.setToken(loginNetwork.accessToken);
  const { authMember } = await client.authorizedRequest({ query: authMemberQuery });
  return authMember.name;
}

export async function createRequester({ endpoint, token }) {
  const client = new GraphqlClient({ graphqlUrl: endpoint, accessToken: token });
  return {
    request: (index) => client.authorizedRequest({ query: authMemberQuery, variables: { requestId: index } }),
    close() {},
  };
}
