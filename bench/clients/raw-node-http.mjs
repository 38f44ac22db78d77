// The floor on Node 20: node:http with a keep-alive agent, no client library at all.
import { Agent, request as httpRequest } from 'node:http';
import { authMemberQuery, loginMutation, tokensQuery } from './documents.mjs';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(endpoint, query, variables, token) {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
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
  const guest = (await post(endpoint, tokensQuery, { networkDomain })).tokens.accessToken;
  const member = (await post(endpoint, loginMutation, { input: { usernameOrEmail, password } }, guest)).loginNetwork.accessToken;
  const name = (await post(endpoint, authMemberQuery, {}, member)).authMember.name;
  agent.destroy();
  return name;
}

export async function createRequester({ endpoint, token }) {
  return { request: (index) => post(endpoint, authMemberQuery, { requestId: index }, token), close: () => agent.destroy() };
}
