import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const folder = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

test('pnpm start walks the document flow on the embedded emulator and prints no whole token', () => {
  const run = quickstart({});
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines.find((line) => line.startsWith('1. guest'))).toMatch(
    /token eyJhbGci… {2}role Guest, 8 scopes .*\[2 HTTP requests\]$/,
  );
  expect(lines.find((line) => line.startsWith('2. login'))).toMatch(
    /John Smith, role Admin \(scopes \*\) {2}\[1 HTTP request\]$/,
  );
  expect(lines.find((line) => line.startsWith('3. authMember'))).toMatch(
    /John Smith \(@bettermodeuser.*\[1 HTTP request\]$/,
  );
  expect(lines.find((line) => line.startsWith('4. logout'))).toMatch(/revoked on the server.*\[1 HTTP request\]$/);
  expect(run.stdout).not.toMatch(/eyJ[\w-]{8,}\.[\w-]+\.[\w-]+/);
  expect(run.stdout).not.toContain('bettermodepassword');
});

const settings = ['BETTERMODE_ENDPOINT', 'BETTERMODE_NETWORK_DOMAIN', 'BETTERMODE_USERNAME', 'BETTERMODE_PASSWORD'];
/** Runs the quickstart with exactly these BETTERMODE_* settings (none of the caller's). */
const quickstart = (given: Record<string, string>) => {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of settings) delete env[name];
  return spawnSync(tsx, ['src/main.ts'], { cwd: folder, env: { ...env, ...given }, encoding: 'utf8' });
};
const all = {
  BETTERMODE_ENDPOINT: 'http://127.0.0.1:9/graphql',
  BETTERMODE_NETWORK_DOMAIN: 'community.bettermode.io',
  BETTERMODE_USERNAME: 'someone',
  BETTERMODE_PASSWORD: 'a-quickstart-secret',
};

test('any of the four settings means a real community: the missing or empty ones are named on one line, exit 1', () => {
  for (const [given, missing] of [
    [
      { BETTERMODE_ENDPOINT: 'http://127.0.0.1:9/graphql' },
      'BETTERMODE_NETWORK_DOMAIN, BETTERMODE_USERNAME, BETTERMODE_PASSWORD',
    ],
    [{ BETTERMODE_USERNAME: 'someone', BETTERMODE_PASSWORD: 'x' }, 'BETTERMODE_ENDPOINT, BETTERMODE_NETWORK_DOMAIN'],
    [{ ...all, BETTERMODE_ENDPOINT: '' }, 'BETTERMODE_ENDPOINT'],
  ] as const) {
    const run = quickstart(given);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('emulator');
    expect(run.stderr.trim()).toBe(
      `quickstart failed: a real community needs all of BETTERMODE_ENDPOINT, BETTERMODE_NETWORK_DOMAIN, BETTERMODE_USERNAME, BETTERMODE_PASSWORD; missing or empty: ${missing}`,
    );
  }
});

/** A port nothing listens on (fetch refuses "bad ports" such as 9 before connecting). */
const closedPort = async () => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
};

test('a community that cannot be reached: the cause is named; an endpoint carrying a password is refused, never printed', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}/graphql`;
  const run = quickstart({ ...all, BETTERMODE_ENDPOINT: endpoint });
  expect(run.status).toBe(1);
  expect(run.stdout).toContain(`bettermode-kit quickstart: ${endpoint}, network community.bettermode.io`);
  expect(run.stderr.trim()).toBe('quickstart failed: NetworkError: Could not reach Bettermode (ECONNREFUSED)');
  expect(`${run.stdout}${run.stderr}`).not.toContain('a-quickstart-secret');
  const withPassword = quickstart({ ...all, BETTERMODE_ENDPOINT: 'http://someone:a-url-secret@127.0.0.1:9/graphql' });
  expect(withPassword.status).toBe(1);
  expect(withPassword.stderr.trim()).toBe(
    'quickstart failed: TypeError: @bettermode-kit/client: endpoint must not carry a user name or password',
  );
  expect(`${withPassword.stdout}${withPassword.stderr}`).not.toMatch(/a-url-secret|a-quickstart-secret/);
  const unknownHost = quickstart({ ...all, BETTERMODE_ENDPOINT: 'http://no-such-host.invalid/graphql' });
  expect(unknownHost.stderr.trim()).toMatch(
    /^quickstart failed: NetworkError: Could not reach Bettermode \((ENOTFOUND|EAI_AGAIN)\)$/,
  );
});
