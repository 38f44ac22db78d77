import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The published bin, as a script runs it: a process per command, the session in a config folder.
const bin = fileURLToPath(new URL('../../bin/bettermode-kit.js', import.meta.url));
const jwt = /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

let emulator: Emulator;
let config: string;
const outputs: string[] = [];

function run(
  args: string[],
  stdin = '',
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      // No session bus: no keychain, as on a headless box.
      env: {
        ...process.env,
        BETTERMODE_KIT_CONFIG_DIR: config,
        BETTERMODE_ENDPOINT: emulator.url,
        DBUS_SESSION_BUS_ADDRESS: '',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (args[0] !== 'auth' || args[1] !== 'token') outputs.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  emulator = await startEmulator({
    accessTokenTtlSeconds: 2,
    refreshReuseGraceSeconds: 0,
    content: { spaces: 1, postsPerSpace: 1000, repliesPerPost: 0, members: 1 },
  });
  config = join(await mkdtemp(join(tmpdir(), 'bm-cli-')), 'config');
});
afterAll(async () => {
  await emulator.stop();
  await rm(join(config, '..'), { recursive: true, force: true });
});

describe('bettermode-kit auth and api', () => {
  test('without a keychain, login refuses to write the session to a plain file unless told to, and writes nothing', async () => {
    const refused = await run(
      ['auth', 'login', '--username', 'bettermodeuser', '--password-stdin'],
      'bettermodepassword\n',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/No OS keychain .* --insecure-storage/);
    await expect(readdir(config)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(emulator.stats().byField.loginNetwork ?? 0).toBe(0);
  });

  test('login --password-stdin --insecure-storage: the member, stored 0600 in a 0700 folder; status says where, with no token', async () => {
    const live = emulator.stats().liveSessions;
    const login = await run(
      ['auth', 'login', '--username', 'bettermodeuser', '--password-stdin', '--insecure-storage'],
      'bettermodepassword\n',
    );
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toMatch(/^Logged in to community\.bettermode\.io as John Smith \(Admin\)/);
    expect(emulator.stats().liveSessions).toBe(live + 1);
    expect((await stat(config)).mode & 0o777).toBe(0o700);
    const [sessionFile] = await readdir(join(config, 'sessions'));
    expect((await stat(join(config, 'sessions', sessionFile as string))).mode & 0o777).toBe(0o600);
    expect((await stat(join(config, 'accounts.json'))).mode & 0o777).toBe(0o600);

    const status = await run(['auth', 'status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({
      sessions: [
        {
          community: 'community.bettermode.io',
          endpoint: emulator.url,
          member: { name: 'John Smith', username: 'bettermodeuser' },
          role: 'Admin',
          expiresAt: expect.stringMatching(/^\d{4}-/),
          storage: {
            kind: 'file (insecure: not the OS keychain)',
            path: join(config, 'sessions', sessionFile as string),
          },
          active: true,
          current: true,
        },
      ],
    });
    const human = await run(['auth', 'status']);
    expect(human.stdout).toContain('John Smith (@bettermodeuser), Admin');
    expect(human.stdout).toContain('not the OS keychain');
  });

  test('api runs as the member; auth token prints a token and is the only command that does', async () => {
    const answer = await run(['api', '{ authMember { name role { name } } }']);
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({
      data: { authMember: { name: 'John Smith', role: { name: 'Admin' } } },
    });
    const token = await run(['auth', 'token']);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(new RegExp(`^${jwt.source}$`));
    // A token given outright comes first (--token, then BETTERMODE_TOKEN), over the stored member:
    // a guest token of another emulator, whose tokens last long enough for a loaded machine.
    const other = await startEmulator();
    try {
      const minted = (await fetch(other.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ tokens(networkDomain: "${other.networkDomain}") { accessToken } }` }),
      }).then((response) => response.json())) as { data: { tokens: { accessToken: string } } };
      const given = await run([
        'api',
        '{ authMember { name } }',
        '--endpoint',
        other.url,
        '--token',
        minted.data.tokens.accessToken,
      ]);
      expect(JSON.parse(given.stdout)).toEqual({ data: { authMember: { name: 'Guest' } } });
      const fromEnv = await run(['api', '{ authMember { name } }', '--endpoint', other.url], '', {
        BETTERMODE_TOKEN: minted.data.tokens.accessToken,
      });
      expect(JSON.parse(fromEnv.stdout)).toEqual({ data: { authMember: { name: 'Guest' } } });
    } finally {
      await other.stop();
    }
    const guest = await run(['api', '{ authMember { name } }', '--guest']);
    expect(JSON.parse(guest.stdout)).toEqual({ data: { authMember: { name: 'Guest' } } });
  });

  test('two members side by side: the last login is active, auth switch changes who api acts as', async () => {
    const second = await run(
      ['auth', 'login', '--username', 'member1', '--password-stdin', '--insecure-storage'],
      'member1-password\n',
    );
    expect(second.code).toBe(0);
    const who = async () =>
      JSON.parse((await run(['api', '{ authMember { username } }'])).stdout).data.authMember.username;
    expect(await who()).toBe('member1');
    const status = JSON.parse((await run(['auth', 'status', '--json'])).stdout) as {
      sessions: { member: { username: string }; active: boolean }[];
    };
    expect(status.sessions.map((row) => [row.member.username, row.active])).toEqual([
      ['bettermodeuser', false],
      ['member1', true],
    ]);
    expect((await run(['auth', 'switch', '--username', 'bettermodeuser'])).code).toBe(0);
    expect(await who()).toBe('bettermodeuser');
    expect((await run(['auth', 'switch', '--username', 'nobody'])).code).toBe(3);
    expect((await run(['auth', 'logout', '--username', 'member1'])).code).toBe(0);
    expect(await who()).toBe('bettermodeuser');
  });

  test('api --paginate over 1,000 posts: one JSON document with all of them, one request per page', async () => {
    emulator.resetStats();
    const query =
      'query($limit: Int!, $after: String) { posts(limit: $limit, after: $after) { totalCount pageInfo { endCursor hasNextPage } nodes { id } } }';
    const walked = await run(['api', query, '-F', 'limit=100', '--paginate']);
    expect(walked.code).toBe(0);
    const { data } = JSON.parse(walked.stdout) as {
      data: { posts: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } };
    };
    expect(data.posts.totalCount).toBe(1000);
    expect(new Set(data.posts.nodes.map((node) => node.id)).size).toBe(1000);
    expect(data.posts.pageInfo.hasNextPage).toBe(false);
    expect(emulator.stats().byField.posts).toBe(10);
  });

  test('two api commands at once across the expiry of the 2 s token: 1 refresh, both answer', async () => {
    await delay(2100);
    emulator.resetStats();
    const [first, second] = await Promise.all([
      run(['api', '{ authMember { username } }']),
      run(['api', '{ authMember { username } }']),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(JSON.parse(first.stdout)).toEqual(JSON.parse(second.stdout));
    expect(emulator.stats()).toMatchObject({ refreshes: 1, revokedByReuse: 0, unauthorized: 0 });
  });

  test('errors: one line and the documented exit code', async () => {
    const bad = await run(['api', '{ nope }']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual(['bettermode-kit: Cannot query field "nope" on type "Query".']);
    const unparsable = await run(['api', '{ authMember ']);
    expect(unparsable.code).toBe(2);
    const usage = await run(['api', '{ authMember { name } }', '--unknown']);
    expect(usage.code).toBe(2);
  });

  test('logout revokes the session at the server and removes it here; then every command says: not logged in (exit 3)', async () => {
    const live = emulator.stats().liveSessions;
    const logout = await run(['auth', 'logout']);
    expect(logout.code).toBe(0);
    expect(emulator.stats().liveSessions).toBe(live - 1);
    expect(await readdir(join(config, 'sessions'))).toEqual([]);
    for (const args of [
      ['auth', 'status'],
      ['auth', 'token'],
      ['api', '{ authMember { name } }'],
    ])
      expect((await run(args)).code).toBe(3);
  });

  test('no token in any output but auth token’s, nor in the config folder (the session file is gone)', async () => {
    expect(outputs.filter((output) => jwt.test(output))).toEqual([]);
    const accounts = await readFile(join(config, 'accounts.json'), 'utf8');
    expect(accounts).not.toMatch(jwt);
    expect(accounts).not.toContain('refreshToken');
  });
});

describe('auth login in a real terminal (tmux)', () => {
  const session = `bm-cli-${process.pid}`;
  const tmux = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('tmux', ['-L', session, ...args]);
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`tmux ${args[0]} exited ${code}`))));
    });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  async function waitFor(text: string): Promise<string> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const shown = await screen();
      if (shown.includes(text)) return shown;
      await delay(50);
    }
    return screen();
  }
  afterAll(() => tmux('kill-server').catch(() => undefined));

  test('login asks for the username and the hidden password; status shows the member, api answers, logout ends the session', async () => {
    const folder = join(config, '..', 'terminal');
    const live = emulator.stats().liveSessions;
    // A shell in the terminal, as a person uses it; no session bus here, so --insecure-storage.
    await tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', 'sh');
    const type = (line: string) => tmux('send-keys', '-t', session, line, 'Enter');
    await type(
      `export BETTERMODE_KIT_CONFIG_DIR=${folder} DBUS_SESSION_BUS_ADDRESS= BETTERMODE_ENDPOINT=${emulator.url}; clear`,
    );
    await type(`${process.execPath} ${bin} auth login --insecure-storage; echo "exit=$?"`);
    expect(await waitFor('Username or email:')).toContain('Username or email:');
    await tmux('send-keys', '-t', session, 'bettermodeuser', 'Enter');
    expect(await waitFor('Password:')).toContain('Password:');
    await tmux('send-keys', '-t', session, 'bettermodepassword', 'Enter');
    // Markers the typed line does not hold: `exit=$?` on screen until it has run.
    const shown = await waitFor('exit=0');
    expect(shown).toContain('Logged in to community.bettermode.io as John Smith (Admin)');
    expect(shown).toContain('exit=0');
    expect(shown).not.toContain('bettermodepassword');
    expect(shown).not.toMatch(jwt);
    expect(await readdir(join(folder, 'sessions'))).toHaveLength(1);
    expect(emulator.stats().liveSessions).toBe(live + 1);

    await type(
      `clear; ${process.execPath} ${bin} auth status; ${process.execPath} ${bin} api '{ authMember { username } }'; echo "done=$?"`,
    );
    const status = await waitFor('done=0');
    expect(status).toContain('John Smith (@bettermodeuser), Admin');
    expect(status).toContain('"username": "bettermodeuser"');
    expect(status).toContain('done=0');
    await type(`clear; ${process.execPath} ${bin} auth logout; echo "ended=$?"`);
    expect(await waitFor('ended=0')).toContain('ended=0');
    expect(emulator.stats().liveSessions).toBe(live);
    expect(await screen()).not.toMatch(jwt);
  });
});

// The real keychain: each command in a D-Bus session of its own with gnome-keyring unlocked (the
// same keyring file every time, under a HOME of the test's), as on a Linux desktop.
const keyring = spawnSync('sh', ['-c', 'command -v gnome-keyring-daemon && command -v dbus-run-session']).status === 0;
describe.skipIf(!keyring && !process.env.CI)('with the OS keychain (gnome-keyring over D-Bus)', () => {
  let home: string;
  let folder: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'bm-keyring-'));
    folder = join(home, 'config');
  });
  afterAll(() => rm(home, { recursive: true, force: true }));
  function inSession(args: string[], stdin = '') {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const command = `echo keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@"`;
      const child = spawn('dbus-run-session', ['--', 'sh', '-c', command, process.execPath, bin, ...args], {
        env: { ...process.env, HOME: home, BETTERMODE_KIT_CONFIG_DIR: folder, BETTERMODE_ENDPOINT: emulator.url },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  test('login keeps the key in the keychain and only a sealed session on disk; api and status use it; logout removes both', async () => {
    expect(keyring).toBe(true);
    const login = await inSession(
      ['auth', 'login', '--username', 'bettermodeuser', '--password-stdin'],
      'bettermodepassword\n',
    );
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('session stored with its key in the OS keychain');
    const [sessionFile] = await readdir(join(folder, 'sessions'));
    const onDisk = await readFile(join(folder, 'sessions', sessionFile as string), 'utf8');
    expect(onDisk).not.toMatch(jwt);
    expect(onDisk).not.toContain('refreshToken');
    const status = JSON.parse((await inSession(['auth', 'status', '--json'])).stdout) as {
      sessions: { member: { username: string }; storage: { kind: string } }[];
    };
    expect(status.sessions[0]).toMatchObject({
      member: { username: 'bettermodeuser' },
      storage: { kind: expect.stringMatching(/^keychain/) },
    });
    const answer = await inSession(['api', '{ authMember { name } }']);
    expect(JSON.parse(answer.stdout)).toEqual({ data: { authMember: { name: 'John Smith' } } });
    // Without the keychain (no session bus) the sealed session cannot be opened: not logged in.
    const locked = await run(['api', '{ authMember { name } }'], '', { HOME: home, BETTERMODE_KIT_CONFIG_DIR: folder });
    expect(locked.code).toBe(3);
    expect(locked.stderr).toContain('is not in the OS keychain here');
    const logout = await inSession(['auth', 'logout']);
    expect(logout.code).toBe(0);
    expect(await readdir(join(folder, 'sessions'))).toEqual([]);
    const again = await inSession(['auth', 'status']);
    expect(again.code).toBe(3);
  });
});
