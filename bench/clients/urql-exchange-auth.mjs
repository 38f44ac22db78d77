import { AuthMemberDocument, LoginNetworkDocument, TokensDocument } from '@bettermode-kit/operations';
import { Client, fetchExchange } from '@urql/core';
import { authExchange } from '@urql/exchange-auth';

// Bare urql with the auth exchange configured by hand, token refresh left out.
function create(endpoint, initialToken) {
  let token = initialToken;
  const client = new Client({
    url: endpoint,
    preferGetMethod: false,
    requestPolicy: 'network-only',
    exchanges: [
      authExchange(async (utils) => ({
        addAuthToOperation: (operation) =>
          token ? utils.appendHeaders(operation, { Authorization: `Bearer ${token}` }) : operation,
        didAuthError: (error) => error.graphQLErrors.some((graphQLError) => graphQLError.message === 'Unauthorized'),
        refreshAuth: async () => {},
      })),
      fetchExchange,
    ],
  });
  return { client, setToken: (next) => (token = next) };
}

const data = async (source) => {
  const result = await source.toPromise();
  if (result.error) throw result.error;
  return result.data;
};

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const { client, setToken } = create(endpoint);
  setToken((await data(client.query(TokensDocument, { networkDomain }))).tokens.accessToken);
  setToken(
    (await data(client.mutation(LoginNetworkDocument, { input: { usernameOrEmail, password } }))).loginNetwork
      .accessToken,
  );
  return (await data(client.query(AuthMemberDocument, {}))).authMember.name;
}

export async function createRequester({ endpoint, token }) {
  const { client } = create(endpoint, token);
  return { request: (index) => data(client.query(AuthMemberDocument, { requestId: index })), close() {} };
}
