import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { SchemaToolError } from './schema-tool-error';
import { printable, withoutUrlCredentials } from '@bettermode-kit/internal';

/** Where to introspect. */
export interface IntrospectOptions {
  endpoint: string;
  /** When given, a guest token for this community is fetched first: Bettermode introspects only with a token. */
  networkDomain?: string;
  fetch?: typeof fetch;
  /** The whole exchange, body included, of each request. @defaultValue 30000 */
  timeoutMs?: number;
  /** The largest answer read; a larger one is refused. @defaultValue 52428800 (50 MB; Bettermode's schema is about 2 MB) */
  maxAnswerBytes?: number;
}

interface GraphqlAnswer<Data> {
  data?: Data | null;
  errors?: { message: string }[];
}

/** Introspects a GraphQL endpoint and builds its schema, with clear errors for each way it can fail. */
export async function introspectSchema({
  endpoint,
  networkDomain,
  fetch: fetchImpl = fetch,
  timeoutMs = 30_000,
  maxAnswerBytes = 50 * 1024 * 1024,
}: IntrospectOptions): Promise<GraphQLSchema> {
  // The endpoint as it may appear in messages: never with the credentials a URL can carry.
  const shown = withoutUrlCredentials(endpoint);
  const post = async <Data>(query: string, variables: Record<string, unknown>, token?: string): Promise<GraphqlAnswer<Data>> => {
    let response: Response;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      response = await fetchImpl(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new SchemaToolError(`${shown} did not answer within ${timeoutMs} ms`);
      // The system code (ECONNREFUSED, ENOTFOUND, …), else what fetch said (e.g. that a URL with credentials cannot be requested).
      const reason = (error as { cause?: { code?: string } }).cause?.code ?? withoutUrlCredentials((error as Error).message);
      throw new SchemaToolError(`Could not reach ${shown} (${printable(String(reason))})`);
    }
    const text = await readText(response, maxAnswerBytes, () =>
      signal.aborted
        ? new SchemaToolError(`${shown} did not answer within ${timeoutMs} ms`)
        : new SchemaToolError(`${shown} dropped the connection before the answer was whole`),
    );
    if (text === undefined) throw new SchemaToolError(`${shown} answered with more than ${maxAnswerBytes} bytes`);
    try {
      const answer = JSON.parse(text) as GraphqlAnswer<Data>;
      if (typeof answer === 'object' && answer !== null && ('data' in answer || 'errors' in answer)) return answer;
    } catch {
      // fall through: not JSON
    }
    const type = printable(response.headers.get('content-type') ?? 'no content type');
    throw new SchemaToolError(`${shown} did not answer with GraphQL (HTTP ${response.status}, ${type})`);
  };

  let token: string | undefined;
  if (networkDomain) {
    const guest = await post<{ tokens: { accessToken: string } }>(
      'query Tokens($networkDomain: String) { tokens(networkDomain: $networkDomain) { accessToken } }',
      { networkDomain },
    );
    const accessToken = (guest.data?.tokens as { accessToken?: unknown } | null | undefined)?.accessToken;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new SchemaToolError(
        `Could not get a guest token for ${printable(networkDomain)}: ${messageOf(guest, 'no token in the answer')}`,
      );
    }
    token = accessToken;
  }

  const introspection = await post<IntrospectionQuery>(
    getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true, specifiedByUrl: true, directiveIsRepeatable: true }),
    {},
    token,
  );
  if (!introspection.data?.__schema) {
    const reason = messageOf(introspection, 'no schema in the answer');
    const hint = token ? '' : '; Bettermode introspects only with a token: pass --network-domain';
    throw new SchemaToolError(`${shown} refused introspection: ${reason}${hint}`);
  }
  try {
    return buildClientSchema(introspection.data);
  } catch (error) {
    const reason = printable(error instanceof Error ? error.message : String(error)).slice(0, 200);
    throw new SchemaToolError(`${shown} answered with an introspection that is not a schema (${reason})`);
  }
}

/** The first GraphQL error's message of an answer, fit to print on one line, or `fallback`. */
function messageOf(answer: GraphqlAnswer<unknown>, fallback: string): string {
  const message = answer.errors?.[0]?.message;
  return typeof message === 'string' ? printable(message).slice(0, 500) : fallback;
}

/**
 * The body as text, or undefined past `limit` bytes (the rest is not read); `failure` is thrown
 * when the body could not be read whole (a timeout, a dropped connection).
 */
async function readText(response: Response, limit: number, failure: () => Error): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    throw failure();
  }
}
