// pnpm test:release: proves the packages install and work as users get them. It publishes to a
// local Verdaccio (no uplinks) from a temporary copy of the repository, installs the packages
// into a fresh consumer (only our scope from Verdaccio), runs an ESM and a CommonJS script
// against the published emulator, and type-checks a strict consumer. Whatever happens, it stops
// what it started and removes its temporary folders, and it says which step failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.cwd();
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Every package under packages/ that is not private: what a release publishes. */
const packageFolders = readdirSync(join(root, 'packages')).filter((folder) => {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
    private?: boolean;
  };
  return manifest.private !== true;
});
const published = packageFolders.map((folder) => `@bettermode-kit/${folder}`);

class StepFailure extends Error {}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end; rejects with the tail of its output when it fails. */
async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Standard input is closed at once: empty unless the step feeds it (a password on stdin).
  child.stdin.end(options.input ?? '');
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) {
    throw new StepFailure(`${command} ${args.join(' ')} exited ${code}:\n${output.split('\n').slice(-30).join('\n')}`);
  }
  return { code, output };
}

/** Starts a long-running process and resolves once its output matches `ready`. */
async function startProcess(
  command: string,
  args: string[],
  cwd: string,
  ready: RegExp,
  started: ChildProcess[],
): Promise<RegExpMatchArray> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StepFailure(`${command} did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new StepFailure(`${command} exited ${code} before it was ready:\n${output}`));
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function main(): Promise<number> {
  const work = await mkdtemp(join(tmpdir(), 'bettermode-release-'));
  const started: ChildProcess[] = [];
  let passed = 0;
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    process.stdout.write(`release check: ${name} ... `);
    try {
      const result = await work();
      process.stdout.write('ok\n');
      passed += 1;
      return result;
    } catch (error) {
      process.stdout.write('FAILED\n');
      throw Object.assign(new StepFailure((error as Error).message), { step: name });
    }
  };

  try {
    await step('build the packages', () =>
      run('pnpm', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root }),
    );

    const port = await freePort();
    const registry = `http://127.0.0.1:${port}/`;
    await step('start Verdaccio on 127.0.0.1 with no uplinks', async () => {
      const folder = join(work, 'verdaccio');
      await mkdir(folder);
      await writeFile(
        join(folder, 'config.yaml'),
        [
          `storage: ${join(folder, 'storage')}`,
          'web: { enable: false }',
          'uplinks: {}',
          'packages:',
          "  '@bettermode-kit/*': { access: $all, publish: $all }",
          "  '**': { access: $all }",
          'publish: { allow_offline: true }',
          'log: { type: stdout, format: pretty, level: warn }',
          '',
        ].join('\n'),
      );
      await startProcess(
        join(root, 'node_modules/.bin/verdaccio'),
        ['--config', join(folder, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
        folder,
        /http address/,
        started,
      );
    });

    const copy = join(work, 'repository');
    await step('copy the repository', async () => {
      const { output } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
        cwd: root,
      });
      for (const file of output.split('\0').filter(Boolean)) {
        await mkdir(dirname(join(copy, file)), { recursive: true });
        await cp(join(root, file), join(copy, file), { verbatimSymlinks: true }).catch(
          (error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOENT') throw error;
          },
        );
      }
      for (const name of packageFolders) {
        await cp(join(root, 'packages', name, 'dist'), join(copy, 'packages', name, 'dist'), { recursive: true });
      }
      // pnpm publish resolves workspace: ranges from the installed workspace; the store already holds everything.
      await run('pnpm', ['install', '--frozen-lockfile', '--offline', '--ignore-scripts', '--reporter=silent'], {
        cwd: copy,
      });
      await run('git', ['init', '-q'], { cwd: copy });
      await run('git', ['add', '-A'], { cwd: copy });
      await run(
        'git',
        ['-c', 'user.name=release-check', '-c', 'user.email=release-check@example.com', 'commit', '-qm', 'copy'],
        { cwd: copy },
      );
    });

    const versions = await step('apply a fixture changeset and run changeset version', async () => {
      const bumps = published.map((name) => `"${name}": minor`).join('\n');
      await writeFile(
        join(copy, '.changeset', 'release-check-fixture.md'),
        `---\n${bumps}\n---\n\nRelease check fixture: a minor release of every published package.\n`,
      );
      await run(join(root, 'node_modules/.bin/changeset'), ['version'], { cwd: copy });
      const found: Record<string, string> = {};
      for (const name of packageFolders) {
        const manifest = JSON.parse(await readFile(join(copy, 'packages', name, 'package.json'), 'utf8')) as {
          name: string;
          version: string;
        };
        const changelog = await readFile(join(copy, 'packages', name, 'CHANGELOG.md'), 'utf8');
        if (!changelog.includes('Release check fixture'))
          throw new StepFailure(`${name}/CHANGELOG.md lacks the fixture entry`);
        found[manifest.name] = manifest.version;
      }
      if (
        found['@bettermode-kit/operations'] !== found['@bettermode-kit/client'] ||
        found['@bettermode-kit/ssr'] !== found['@bettermode-kit/client'] ||
        found['@bettermode-kit/react'] !== found['@bettermode-kit/client']
      ) {
        throw new StepFailure(`operations, client, ssr and react must be released together: ${JSON.stringify(found)}`);
      }
      // Private packages (bench, examples, tools) are never versioned.
      for (const folder of [
        'bench',
        'examples/quickstart',
        'examples/web',
        'examples/next',
        'tools/schema',
        'tools/release',
      ]) {
        const manifest = JSON.parse(await readFile(join(copy, folder, 'package.json'), 'utf8')) as { version?: string };
        if (manifest.version !== '0.0.0')
          throw new StepFailure(`${folder} (private) was versioned to ${manifest.version}`);
        if (existsSync(join(copy, folder, 'CHANGELOG.md')))
          throw new StepFailure(`${folder} (private) got a CHANGELOG.md`);
      }
      return found;
    });

    const userconfig = join(work, 'npmrc');
    await writeFile(userconfig, `registry=${registry}\n//127.0.0.1:${port}/:_authToken=release-check\n`);
    await step('changeset publish to Verdaccio', async () => {
      await run(join(root, 'node_modules/.bin/changeset'), ['publish'], {
        cwd: copy,
        env: { npm_config_userconfig: userconfig, npm_config_registry: registry },
      });
      for (const name of published) {
        const answer = await fetch(`${registry}${name.replace('/', '%2f')}`);
        const manifest = (await answer.json()) as { versions?: Record<string, unknown> };
        if (!manifest.versions?.[versions[name] as string])
          throw new StepFailure(`${name}@${versions[name]} is not in the registry`);
      }
    });

    const consumer = join(work, 'consumer');
    await step('install the published packages into a fresh consumer', async () => {
      await mkdir(consumer);
      await writeFile(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
      );
      // Only our scope comes from Verdaccio; everything else from the normal registry.
      await writeFile(join(consumer, '.npmrc'), `@bettermode-kit:registry=${registry}\n`);
      const specs = published.map((name) => `${name}@${versions[name]}`);
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          ...specs,
          'graphql@16.15.0',
          'react@19.3.1',
          'react-dom@19.3.1',
          'typescript@5.9.3',
          '@types/node@20',
          'tsx@4.23.15',
        ],
        {
          cwd: consumer,
          env: { npm_config_userconfig: join(consumer, '.npmrc') },
        },
      );
    });

    const endpoint = await step('start the published emulator through its bin', async () => {
      const match = await startProcess(
        process.execPath,
        [join(consumer, 'node_modules/@bettermode-kit/emulator/bin/bettermode-emulator.js'), '--port', '0'],
        consumer,
        /listening on (\S+)/,
        started,
      );
      return match[1] as string;
    });

    for (const [label, script, expected] of [
      ['an ESM script gets a guest token and logs in', 'login.mjs', 'esm: Guest -> John Smith (Admin)'],
      ['a CommonJS script gets a guest token and logs in', 'login.cjs', 'cjs: Guest -> John Smith (Admin)'],
      [
        'a server logs a member in with @bettermode-kit/ssr and renders a request through handle',
        'ssr-handle.mjs',
        'ssr: 200 John Smith (0 new cookies)',
      ],
      [
        'an app pages through a space of the published emulator with paginate and the content operations',
        'paging.mjs',
        'paging: General, 10 posts in 4 pages, newest first: General post 10: mobile',
      ],
      [
        'a server renders <BettermodeProvider> of @bettermode-kit/react with the session from handle',
        'ssr-react.mjs',
        'react: <p>John Smith</p> bettermodeuser',
      ],
    ] as const) {
      await step(label, async () => {
        await cp(join(fixtures, script), join(consumer, script));
        const { output } = await run(process.execPath, [script], { cwd: consumer, env: { ENDPOINT: endpoint } });
        if (output.trim() !== expected) throw new StepFailure(`expected "${expected}", got:\n${output}`);
      });
    }

    await step("the published codegen preset generates an app's own operation (bettermode-kit codegen)", async () => {
      await cp(join(fixtures, 'my-profile.graphql'), join(consumer, 'my-profile.graphql'));
      const { output } = await run(
        join(consumer, 'node_modules/.bin/bettermode-kit'),
        ['codegen', '--documents', 'my-profile.graphql', '--output-dir', 'generated'],
        { cwd: consumer },
      );
      if (output.trim() !== 'Generated generated/graphql.ts')
        throw new StepFailure(`expected "Generated generated/graphql.ts", got:\n${output}`);
    });

    await step(
      'the published bin logs in for scripts and runs an operation (auth login --password-stdin --insecure-storage, auth status --json, api)',
      async () => {
        const bin = join(consumer, 'node_modules/.bin/bettermode-kit');
        const env = { BETTERMODE_KIT_CONFIG_DIR: join(consumer, '.bettermode-kit'), BETTERMODE_ENDPOINT: endpoint };
        const login = await run(
          bin,
          ['auth', 'login', '--username', 'bettermodeuser', '--password-stdin', '--insecure-storage'],
          { cwd: consumer, env, input: 'bettermodepassword\n' },
        );
        if (!login.output.startsWith('Logged in to community.bettermode.io as John Smith (Admin)'))
          throw new StepFailure(`auth login printed:\n${login.output}`);
        const status = JSON.parse((await run(bin, ['auth', 'status', '--json'], { cwd: consumer, env })).output) as {
          sessions: { member: { username: string } | null }[];
        };
        if (status.sessions[0]?.member?.username !== 'bettermodeuser')
          throw new StepFailure(`auth status --json printed: ${JSON.stringify(status)}`);
        const answer = await run(bin, ['api', '{ authMember { name } }'], { cwd: consumer, env });
        if (JSON.parse(answer.output).data?.authMember?.name !== 'John Smith')
          throw new StepFailure(`api printed:\n${answer.output}`);
      },
    );

    await step(
      'the published bin pulls the schema from the published emulator and checks it against the own operation (bettermode-kit schema pull, schema check)',
      async () => {
        const bin = join(consumer, 'node_modules/.bin/bettermode-kit');
        const pulled = await run(
          bin,
          ['schema', 'pull', '--endpoint', endpoint, '--network-domain', 'community.bettermode.io'],
          { cwd: consumer },
        );
        if (!/^Wrote schema\/bettermode\.graphql \(\d+ bytes\) from /.test(pulled.output.trim()))
          throw new StepFailure(`schema pull printed:\n${pulled.output}`);
        const checked = await run(
          bin,
          ['schema', 'check', '--documents', 'my-profile.graphql', '--against', 'schema/bettermode.graphql'],
          { cwd: consumer },
        );
        if (checked.output.trim() !== 'No schema changes.')
          throw new StepFailure(`schema check printed:\n${checked.output}`);
      },
    );

    await step(
      'a strict consumer type-checks with skipLibCheck false: zero errors, and misuse of the own operation does not compile',
      async () => {
        for (const file of ['consumer.ts', 'profile.ts', 'run-profile.ts', 'tsconfig.json'])
          await cp(join(fixtures, file), join(consumer, file));
        await run(join(consumer, 'node_modules/.bin/tsc'), ['--noEmit', '-p', '.'], { cwd: consumer });
      },
    );

    await step(
      "a storage of the app's own (the client README's) passes the published @bettermode-kit/client/testing suite",
      async () => {
        // Taken from the README as published, so the example users read is the one that runs.
        const readme = await readFile(join(consumer, 'node_modules/@bettermode-kit/client/README.md'), 'utf8');
        const section = readme.split(/^## Testing a storage of your own$/m)[1]?.split(/^## /m)[0];
        const snippet = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
        if (!snippet) throw new StepFailure('the published client README has no "Testing a storage of your own" block');
        await writeFile(join(consumer, 'own-storage.ts'), snippet);
        const { output } = await run(join(consumer, 'node_modules/.bin/tsx'), ['own-storage.ts'], { cwd: consumer });
        // A failed check throws, so tsx exits non-zero and run() fails the step; this counts the passes.
        const passed = output.split('\n').filter((line) => line.startsWith('ok - ')).length;
        if (passed < 8) throw new StepFailure(`expected the 8 conformance checks to pass, got:\n${output}`);
      },
    );

    await step('the own operation runs against the published emulator', async () => {
      const { output } = await run(join(consumer, 'node_modules/.bin/tsx'), ['run-profile.ts'], {
        cwd: consumer,
        env: { ENDPOINT: endpoint },
      });
      if (output.trim() !== 'own operation: John Smith (@bettermodeuser, Admin)')
        throw new StepFailure(`got:\n${output}`);
    });

    await step(
      "pnpm pack:local tarballs install into a fresh pnpm app with the README's override, and log in, also through the /urql entry",
      async () => {
        await run('pnpm', ['pack:local'], { cwd: root });
        const tarball = (folder: string) => {
          const { version } = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8')) as {
            version: string;
          };
          return join(root, 'packs', `bettermode-kit-${folder}-${version}.tgz`);
        };
        const app = join(work, 'tarball-app');
        await mkdir(app);
        // As the root README's "Use it in your app" says: pnpm resolves the client's dependency on
        // the operations from the registry unless an override points it at the tarball.
        const manifest = {
          name: 'tarball-app',
          private: true,
          type: 'module',
          pnpm: { overrides: { '@bettermode-kit/operations': `file:${tarball('operations')}` } },
        };
        await writeFile(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
        // pnpm links an optional peer (@urql/core, for the /urql entry) only when the app depends on it.
        await run(
          'pnpm',
          ['add', '--reporter=silent', tarball('client'), tarball('operations'), 'graphql@16', '@urql/core@6'],
          { cwd: app },
        );
        for (const [script, expected] of [
          ['login.mjs', 'esm: Guest -> John Smith (Admin)'],
          ['urql-login.mjs', 'urql: John Smith'],
        ] as const) {
          await cp(join(fixtures, script), join(app, script));
          const { output } = await run(process.execPath, [script], { cwd: app, env: { ENDPOINT: endpoint } });
          if (output.trim() !== expected) throw new StepFailure(`${script}: expected "${expected}", got:\n${output}`);
        }
      },
    );

    console.log(`release check: ${passed} passed, 0 failed`);
    return 0;
  } catch (error) {
    const failed = (error as { step?: string }).step ?? 'setup';
    console.error(`release check failed at step "${failed}":\n${(error as Error).message}`);
    console.log(`release check: ${passed} passed, 1 failed`);
    return 1;
  } finally {
    for (const child of started) child.kill('SIGTERM');
    await Promise.all(
      started.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : undefined)),
    );
    await rm(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
