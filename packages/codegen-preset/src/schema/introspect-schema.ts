import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SchemaToolError } from './schema-tool-error';
import { withoutUrlCredentials } from '@bettermode-kit/internal';

/** Where to introspect. */
export interface IntrospectOptions {
  endpoint: string;
  /** When given, a guest token for this community is fetched first: Bettermode introspects only with a token. */
  networkDomain?: string;
  fetch?: typeof fetch;
  /** @defaultValue 30000 */
  timeoutMs?: number;
}

interface GraphqlAnswer<Data> {
  data?: Data | null;
  errors?: { message: string }[];
}

/** Introspects a GraphQL endpoint and builds its schema, with clear errors for each way it can fail. */
export async function introspectSchema({ endpoint, networkDomain, fetch: fetchImpl = fetch, timeoutMs = 30_000 }: IntrospectOptions): Promise<GraphQLSchema> {
  // The endpoint as it may appear in messages: never with the credentials a URL can carry.
  const shown = withoutUrlCredentials(endpoint);
  const post = async <Data>(query: string, variables: Record<string, unknown>, token?: string): Promise<GraphqlAnswer<Data>> => {
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // The system code (ECONNREFUSED, ENOTFOUND, …), else what fetch said (e.g. that a URL with credentials cannot be requested).
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? withoutUrlCredentials((error as Error).message);
      throw new SchemaToolError(`Could not reach ${shown} (${reason})`);
    }
    const text = await response.text();
    try {
      const answer = JSON.parse(text) as GraphqlAnswer<Data>;
      if (typeof answer === 'object' && answer !== null && ('data' in answer || 'errors' in answer)) return answer;
    } catch {
      // fall through: not JSON
    }
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new SchemaToolError(`${shown} did not answer with GraphQL (HTTP ${response.status}, ${type})`);
  };

  let token: string | undefined;
  if (networkDomain) {
    const guest = await post<{ tokens: { accessToken: string } }>(
      'query Tokens($networkDomain: String) { tokens(networkDomain: $networkDomain) { accessToken } }',
      { networkDomain },
    );
    token = guest.data?.tokens.accessToken;
    if (!token) {
      throw new SchemaToolError(`Could not get a guest token for ${networkDomain}: ${guest.errors?.[0]?.message ?? 'no token in the answer'}`);
    }
  }

  const introspection = await post<IntrospectionQuery>(
    getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true }),
    {},
    token,
  );
  if (!introspection.data?.__schema) {
    const reason = introspection.errors?.[0]?.message ?? 'no schema in the answer';
    const hint = token ? '' : '; Bettermode introspects only with a token: pass --network-domain';
    throw new SchemaToolError(`${shown} refused introspection: ${reason}${hint}`);
  }
  return buildClientSchema(introspection.data);
}
