import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';

const bin = join(import.meta.dirname, '../bin/bettermode-kit.js');
const servers: Server[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A GraphQL endpoint that answers every request with `answer`; resolves to its URL. */
async function endpoint(answer: (response: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => answer(response, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

const json = (response: ServerResponse, value: unknown) =>
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
const guest = { data: { tokens: { accessToken: 'guest.token.value' } } };

/** Runs the bin's `schema pull` as a user would, in a process of its own. */
async function pull(url: string, ...extra: string[]) {
  const folder = await mkdtemp(join(tmpdir(), 'bettermode-pull-'));
  folders.push(folder);
  const child = spawn(
    process.execPath,
    [bin, 'schema', 'pull', '--endpoint', url, '--network-domain', 'community.bettermode.io', ...extra],
    { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number];
  return { code, output, lines: output.trimEnd().split('\n') };
}

test('an answer that trickles forever: exit 2 after --timeout-ms, one line that says so', async () => {
  const url = await endpoint((response, body) => {
    if (body.includes('tokens(')) return json(response, guest);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"data":');
    const timer = setInterval(() => response.write(' '), 100);
    response.on('close', () => clearInterval(timer));
  });
  const { code, lines } = await pull(url, '--timeout-ms', '1500');
  expect(code).toBe(2);
  expect(lines).toEqual([`bettermode-kit: ${url} did not answer within 1500 ms`]);
});

test('tokens: null, or a garbage __schema: exit 2 with one line, no internal TypeError', async () => {
  const noToken = await endpoint((response) => json(response, { data: { tokens: null } }));
  const first = await pull(noToken);
  expect(first.code).toBe(2);
  expect(first.lines).toEqual([
    'bettermode-kit: Could not get a guest token for community.bettermode.io: no token in the answer',
  ]);
  const garbage = await endpoint((response, body) =>
    json(response, body.includes('tokens(') ? guest : { data: { __schema: { types: 'not a list' } } }),
  );
  const second = await pull(garbage);
  expect(second.code).toBe(2);
  expect(second.lines).toHaveLength(1);
  expect(second.lines[0]).toMatch(/^bettermode-kit: .* answered with an introspection that is not a schema \(/);
  expect(second.output).not.toMatch(/TypeError/);
});

test('an answer over the size cap is refused without being read whole', async () => {
  const url = await endpoint((response, body) => {
    if (body.includes('tokens(')) return json(response, guest);
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < 80) {
        sent += 1;
        if (!response.write(chunk)) return void response.once('drain', write);
      }
      response.end('{}');
    };
    response.on('error', () => undefined);
    write();
  });
  const { code, lines } = await pull(url);
  expect(code).toBe(2);
  expect(lines).toEqual([`bettermode-kit: ${url} answered with more than 52428800 bytes`]);
});

test("escape sequences in a server's message are not printed; a password holding @ is not printed in part", async () => {
  const hostile = await endpoint((response) =>
    json(response, { errors: [{ message: '\u001b[2J\u001b[31mYOU HAVE BEEN OWNED\u001b[0m\rspoofed line' }] }),
  );
  const first = await pull(hostile);
  expect(first.code).toBe(2);
  // eslint-disable-next-line no-control-regex -- the point is that no control character is printed.
  expect(first.output).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  expect(first.lines).toHaveLength(1);
  const withPassword = hostile.replace('http://', 'http://someone:2secret@x@');
  const second = await pull(withPassword);
  expect(second.code).toBe(2);
  expect(second.output).not.toMatch(/secret|someone/);
});
