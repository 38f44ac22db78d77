/** A GraphQL answer as it came over the wire. */
export interface GraphqlAnswer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** POSTs one GraphQL request over a real socket, with an optional Bearer token. */
export async function postGraphql(
  url: string,
  query: string,
  {
    variables,
    token,
    headers,
  }: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> } = {},
): Promise<GraphqlAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

export const guestTokenQuery = /* GraphQL */ `
  query Guest($domain: String!) {
    tokens(networkDomain: $domain) {
      accessToken
      refreshToken
      role {
        name
        scopes
      }
      member {
        id
        name
      }
    }
  }
`;

export const loginMutation = /* GraphQL */ `
  mutation Login($usernameOrEmail: String!, $password: String!) {
    loginNetwork(input: { usernameOrEmail: $usernameOrEmail, password: $password }) {
      accessToken
      refreshToken
      role {
        name
        scopes
      }
      member {
        id
        name
        activeSession {
          id
        }
      }
    }
  }
`;

/** Gets a guest token, then logs in; returns both answers' tokens. */
export async function loginAs(
  url: string,
  usernameOrEmail: string,
  password: string,
  domain = 'community.bettermode.io',
) {
  const guest = await postGraphql(url, guestTokenQuery, { variables: { domain } });
  const guestToken = guest.body.data?.tokens.accessToken as string;
  const login = await postGraphql(url, loginMutation, { variables: { usernameOrEmail, password }, token: guestToken });
  return { guestToken, login };
}
