// The operations as plain strings, for the clients that take strings (raw fetch, node:http, the
// official client). The others use the typed documents of @bettermode-kit/operations.
export const tokensQuery =
  'query Tokens($networkDomain: String) { tokens(networkDomain: $networkDomain) { accessToken refreshToken role { id name type scopes } member { id name username activeSession { id } } } }';
export const loginMutation =
  'mutation LoginNetwork($input: LoginNetworkWithPasswordInput!) { loginNetwork(input: $input) { accessToken refreshToken role { id name type scopes } member { id name username activeSession { id } } } }';
export const authMemberQuery =
  'query AuthMember { authMember { id name username email status role { id name type scopes } } }';
