import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client/core/index.js';
import { setContext } from '@apollo/client/link/context/index.js';
import { AuthMemberDocument, LoginNetworkDocument, TokensDocument } from '@bettermode-kit/operations';

function create(endpoint, initialToken) {
  let token = initialToken;
  const auth = setContext((_, { headers }) => ({
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }));
  const client = new ApolloClient({
    link: auth.concat(new HttpLink({ uri: endpoint })),
    cache: new InMemoryCache(),
    queryDeduplication: false,
    defaultOptions: { query: { fetchPolicy: 'no-cache' }, mutate: { fetchPolicy: 'no-cache' } },
  });
  return { client, setToken: (next) => (token = next) };
}

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const { client, setToken } = create(endpoint);
  const guest = await client.query({ query: TokensDocument, variables: { networkDomain } });
  setToken(guest.data.tokens.accessToken);
  const login = await client.mutate({
    mutation: LoginNetworkDocument,
    variables: { input: { usernameOrEmail, password } },
  });
  setToken(login.data.loginNetwork.accessToken);
  const { data } = await client.query({ query: AuthMemberDocument });
  client.stop();
  return data.authMember.name;
}

export async function createRequester({ endpoint, token }) {
  const { client } = create(endpoint, token);
  return {
    request: (index) => client.query({ query: AuthMemberDocument, variables: { requestId: index } }),
    close: () => client.stop(),
  };
}
