// The ceiling for a client built on node:http (as ours is on Node): node:http used well, with no
// client library at all. A keep-alive agent sized like the client's (64 sockets), each document's
// JSON prefix serialized once, the body read as text: what a client on node:http can approach,
// never beat.
import { Agent, request as httpRequest } from 'node:http';
import { authMemberQuery, loginMutation, tokensQuery } from './documents.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const prefixes = new Map();

/** `{"query":"…"` for a query text, computed once. */
function prefixOf(query) {
  let prefix = prefixes.get(query);
  if (prefix === undefined) prefixes.set(query, (prefix = JSON.stringify({ query }).slice(0, -1)));
  return prefix;
}

function post(url, query, variables, token) {
  const body = `${prefixOf(query)},"variables":${JSON.stringify(variables)}}`;
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          try {
            const parsed = JSON.parse(text);
            if (parsed.errors) reject(new Error(parsed.errors[0].message));
            else resolve(parsed.data);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export async function loginFlow({ endpoint, networkDomain, usernameOrEmail, password }) {
  const url = new URL(endpoint);
  const guest = (await post(url, tokensQuery, { networkDomain })).tokens.accessToken;
  const member = (await post(url, loginMutation, { input: { usernameOrEmail, password } }, guest)).loginNetwork
    .accessToken;
  const name = (await post(url, authMemberQuery, {}, member)).authMember.name;
  agent.destroy();
  return name;
}

export async function createRequester({ endpoint, token }) {
  const url = new URL(endpoint);
  return { request: (index) => post(url, authMemberQuery, { requestId: index }, token), close: () => agent.destroy() };
}
