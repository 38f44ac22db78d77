// Child process: answers every POST with the same JSON body, so only the clients' own cost is
// measured. The body carries tokens, loginNetwork and authMember, enough for every client's flow.
import { createServer } from 'node:http';

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const accessToken = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ id: '9FWKl7Y1rB', networkId: 'NtT0FkLxxi', iat: now, exp: now + 24 * 3600 })}.c2lnbmF0dXJl`;
const role = { id: 'roleAdmin01', name: 'Admin', type: 'admin', scopes: ['*'] };
const authToken = {
  accessToken,
  refreshToken: 'refresh',
  role,
  member: { id: '9FWKl7Y1rB', name: 'John Smith', username: 'bettermodeuser', activeSession: { id: 's1' } },
};
const body = JSON.stringify({
  data: {
    tokens: authToken,
    loginNetwork: authToken,
    authMember: {
      id: '9FWKl7Y1rB',
      name: 'John Smith',
      username: 'bettermodeuser',
      email: 'bettermodeuser@example.com',
      status: 'VERIFIED',
      role,
    },
  },
});

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/graphql`));
process.on('SIGTERM', () => process.exit(0));
