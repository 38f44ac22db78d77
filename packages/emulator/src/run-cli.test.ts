import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loginAs, postGraphql } from './testing/post-graphql';

const bin = fileURLToPath(new URL('../bin/bettermode-emulator.js', import.meta.url));

describe('the bettermode-emulator bin', () => {
  test('serves the document flow, prints its demo credentials and no other secret, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0', '--token-ttl', '120'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      while (!/listening on (\S+)/.test(output)) await once(child.stdout, 'data');
      const url = output.match(/listening on (\S+)/)?.[1] as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);

      const wrong = await loginAs(url, 'bettermodeuser', 'not-the-password');
      expect(wrong.login.body.errors?.[0]?.message).toBe('Invalid username, email or password');
      const { guestToken, login } = await loginAs(url, 'bettermodeuser', 'bettermodepassword');
      const session = login.body.data?.loginNetwork;
      expect(session.member.name).toBe('John Smith');
      const stats = await fetch(url.replace('/graphql', '/__emulator/stats'));
      expect(await stats.json()).toMatchObject({ requests: 4, byField: { tokens: 2, loginNetwork: 2 } });
      const me = await postGraphql(url, '{ authMember { username } }', { token: session.accessToken });
      expect(me.body.data?.authMember.username).toBe('bettermodeuser');

      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      // The banner names the demo credentials of Bettermode's public document and the demo app, on purpose.
      expect(output).toContain('member: bettermodeuser / bettermodepassword');
      expect(output).toContain('app: emulator-app / emulator-app-secret');
      for (const secret of ['not-the-password', guestToken, session.accessToken, session.refreshToken]) {
        expect(output).not.toContain(secret);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('--webhook: a challenge that fails is reported without the credentials the URL carries, in the URL or in the reason', async () => {
    const child = spawn(
      process.execPath,
      [bin, '--port', '0', '--webhook', 'http://someone:a-hook-secret@127.0.0.1:1/hook', '--webhook-secret', 'signing'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      while (!output.includes('stats: ')) await once(child.stdout, 'data');
      expect(output).toMatch(/^webhook http:\/\/127\.0\.0\.1:1\/hook: URL challenge failed \(.+\)$/m);
      expect(output).not.toContain('a-hook-secret');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('--help prints the options; a bad option exits 2 with the reason', () => {
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--network-domain D');
    const bad = spawnSync(process.execPath, [bin, '--token-ttl', 'soon'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('bettermode-emulator: --token-ttl takes a number, got "soon"');
    const unknown = spawnSync(process.execPath, [bin, '--prot', '4000'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--prot'/);
  });
});

test("the README's rehearsal command (pnpm emulator), run from another folder, finds a relative --schema there, with no stray output", async () => {
  const { mkdtemp, rm, copyFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const folder = await mkdtemp(join(tmpdir(), 'bettermode-rehearsal-'));
  const repository = fileURLToPath(new URL('../../../', import.meta.url));
  await copyFile(join(repository, 'schema/bettermode.graphql'), join(folder, 'next.graphql'));
  // What the README runs (`pnpm emulator …`), here from another folder than the root: a relative
  // --schema is where the user is. As from a user's shell: no INIT_CWD of an outer pnpm to inherit.
  const { INIT_CWD: _outer, ...env } = process.env;
  const child = spawn(
    'pnpm',
    ['--dir', repository, '--silent', 'emulator', '--port', '0', '--schema', 'next.graphql'],
    {
      cwd: folder,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    while (!/stats: /.test(output) && child.exitCode === null)
      await Promise.race([once(child.stdout, 'data'), once(child, 'exit')]);
    expect(output).toMatch(/^Bettermode emulator listening on http:\/\/127\.0\.0\.1:\d+\/graphql$/m);
    expect(output).not.toMatch(/undefined|ENOENT|ERR_PNPM/);
  } finally {
    child.kill('SIGTERM');
    await rm(folder, { recursive: true, force: true });
  }
}, 60_000);
