import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const folder = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

test('pnpm start walks the document flow on the embedded emulator and prints no whole token', () => {
  const { BETTERMODE_ENDPOINT: _ignored, ...env } = process.env;
  const run = spawnSync(tsx, ['src/main.ts'], { cwd: folder, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const lines = run.stdout.split('\n');
  expect(lines.find((line) => line.startsWith('1. guest'))).toMatch(/token eyJhbGci…  role Guest, 8 scopes .*\[2 HTTP requests\]$/);
  expect(lines.find((line) => line.startsWith('2. login'))).toMatch(/John Smith, role Admin \(scopes \*\)  \[1 HTTP request\]$/);
  expect(lines.find((line) => line.startsWith('3. authMember'))).toMatch(/John Smith \(@bettermodeuser.*\[1 HTTP request\]$/);
  expect(lines.find((line) => line.startsWith('4. logout'))).toMatch(/revoked on the server.*\[1 HTTP request\]$/);
  expect(run.stdout).not.toMatch(/eyJ[\w-]{8,}\.[\w-]+\.[\w-]+/);
  expect(run.stdout).not.toContain('bettermodepassword');
});

test('a real community needs all its variables: a one-line reason and a non-zero exit', () => {
  const run = spawnSync(tsx, ['src/main.ts'], {
    cwd: folder,
    env: { ...process.env, BETTERMODE_ENDPOINT: 'http://127.0.0.1:9/graphql' },
    encoding: 'utf8',
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim()).toBe(
    'quickstart failed: Error: BETTERMODE_ENDPOINT is set, so BETTERMODE_NETWORK_DOMAIN, BETTERMODE_USERNAME, BETTERMODE_PASSWORD must be set too',
  );
});
