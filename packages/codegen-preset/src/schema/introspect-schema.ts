import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SchemaToolError } from './schema-tool-error';

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
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new SchemaToolError(`Could not reach ${endpoint} (${reason})`);
    }
    const text = await response.text();
    try {
      const answer = JSON.parse(text) as GraphqlAnswer<Data>;
      if (typeof answer === 'object' && answer !== null && ('data' in answer || 'errors' in answer)) return answer;
    } catch {
      // fall through: not JSON
    }
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new SchemaToolError(`${endpoint} did not answer with GraphQL (HTTP ${response.status}, ${type})`);
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
    throw new SchemaToolError(`${endpoint} refused introspection: ${reason}${hint}`);
  }
  return buildClientSchema(introspection.data);
}
