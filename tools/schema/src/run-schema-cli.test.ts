import { startEmulator, type Emulator } from '@bettermode-kit/emulator';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runCodegen as codegen } from '../../../testing/run-codegen';
import { runSchemaCli } from './run-schema-cli';
import { committedSdl, repositoryRoot, schemaVersions } from './testing/schema-versions';

/** A copy of what the drill touches: schema, operations, codegen config, changesets and package manifests, in a git repository. */
async function copyRepository(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bettermode-drill-'));
  for (const path of ['codegen.ts', 'tools/codegen', 'packages/codegen-preset/src', 'schema', 'operations', '.changeset', 'tsconfig.base.json', 'packages/operations/src']) {
    await cp(join(repositoryRoot, path), join(root, path), { recursive: true });
  }
  for (const name of await readdir(join(repositoryRoot, 'packages'))) {
    await mkdir(join(root, 'packages', name), { recursive: true });
    await cp(join(repositoryRoot, 'packages', name, 'package.json'), join(root, 'packages', name, 'package.json'));
  }
  await symlink(join(repositoryRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  await symlink(join(repositoryRoot, 'packages/operations/node_modules'), join(root, 'packages/operations/node_modules'), 'dir');
  // What `pnpm typecheck` checks in the operations package: its entry and its type tests.
  await writeFile(join(root, 'packages/operations/tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/index.ts', 'src/index.test-d.ts'] }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'base');
  return root;
}

describe('schema:pull', () => {
  let emulator: Emulator;
  let root: string;
  let printed: string[];
  const run = (...argv: string[]) => runSchemaCli(argv, { root, out: (text) => printed.push(text) });

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.stop();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'bettermode-pull-'));
    printed = [];
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('pulled from the emulator, with a guest token first, it reproduces the committed schema byte for byte', async () => {
    expect(await run('pull', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain, '--out', 'pulled.graphql')).toBe(0);
    expect(await readFile(join(root, 'pulled.graphql'), 'utf8')).toBe(committedSdl);
    expect(printed).toEqual([`Wrote pulled.graphql (${committedSdl.length} bytes) from ${emulator.url}.`]);
  });

  test('clear errors, and the existing file is left as it was', async () => {
    const out = join(root, 'schema.graphql');
    await writeFile(out, 'the old schema');
    const stopped = await startEmulator();
    await stopped.stop();
    await expect(run('pull', '--endpoint', stopped.url, '--out', out)).rejects.toThrow(`Could not reach ${stopped.url} (ECONNREFUSED)`);
    await expect(run('pull', '--endpoint', emulator.url, '--out', out)).rejects.toThrow(
      `${emulator.url} refused introspection: Unauthorized; Bettermode introspects only with a token: pass --network-domain`,
    );
    const statsUrl = emulator.url.replace('/graphql', '/__emulator/stats');
    await expect(run('pull', '--endpoint', statsUrl, '--out', out)).rejects.toThrow(`${statsUrl} did not answer with GraphQL (HTTP 404`);
    await expect(run('pull', '--endpoint', emulator.url, '--network-domain', 'elsewhere.example.com', '--out', out)).rejects.toThrow(
      'Could not get a guest token for elsewhere.example.com: Network not found',
    );
    expect(await readFile(out, 'utf8')).toBe('the old schema');
    expect(await readdir(root)).toEqual(['schema.graphql']);
  });
});

describe('an endpoint serving the unchanged schema', () => {
  test('check says "No schema changes." and exits 0; changeset writes nothing', async () => {
    const root = await copyRepository();
    const emulator = await startEmulator();
    const printed: string[] = [];
    const run = (...argv: string[]) => runSchemaCli(argv, { root, out: (text) => printed.push(text) });
    try {
      expect(await run('check', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain)).toBe(0);
      expect(printed.pop()).toBe('No schema changes.\n');
      expect(await run('check', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain, '--json')).toBe(0);
      expect(JSON.parse(printed.pop() as string)).toEqual({ changes: [], breaksOperations: false });
      expect(await run('changeset', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain)).toBe(0);
      expect(printed.pop()).toBe('No schema changes: no changeset written.');
      expect((await readdir(join(root, '.changeset'))).filter((name) => name.startsWith('bettermode-schema-'))).toEqual([]);
    } finally {
      await emulator.stop();
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('when a used field is gone', () => {
  test('pnpm codegen fails naming the operation file and the field', async () => {
    const root = await copyRepository();
    try {
      await writeFile(join(root, 'schema/bettermode.graphql'), schemaVersions.removedMemberEmail());
      const run = codegen(root);
      expect(run.status).not.toBe(0);
      expect(run.output).toContain('Cannot query field "email" on type "Member"');
      expect(run.output).toContain('operations/member/AuthMember.graphql');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the drill, end to end', () => {
  test('pull from an emulator serving a changed schema -> check -> codegen -> changeset', async () => {
    const root = await copyRepository();
    const nextSchema = join(root, 'next-version.graphql');
    await writeFile(nextSchema, schemaVersions.removedMemberEmail());
    const emulator = await startEmulator({ schemaFile: nextSchema });
    const printed: string[] = [];
    const run = (...argv: string[]) => runSchemaCli(argv, { root, out: (text) => printed.push(text) });
    try {
      expect(await run('pull', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain)).toBe(0);
      expect(printed.pop()).toMatch(/^Wrote schema\/bettermode\.graphql \(\d+ bytes\)/);

      expect(await run('check')).toBe(1);
      expect(printed.pop()).toContain("Field 'email' was removed from object type 'Member'  <- used by operations/member/AuthMember.graphql");
      expect(await run('check', '--json')).toBe(1);
      expect(JSON.parse(printed.pop() as string)).toEqual({
        breaksOperations: true,
        changes: [
          {
            level: 'breaking',
            type: 'FIELD_REMOVED',
            message: "Field 'email' was removed from object type 'Member'",
            path: 'Member.email',
            operations: ['operations/member/AuthMember.graphql'],
          },
        ],
      });
      expect(codegen(root).status).not.toBe(0);

      // The fix: AuthMember stops selecting the removed field.
      const operation = join(root, 'operations/member/AuthMember.graphql');
      await writeFile(operation, (await readFile(operation, 'utf8')).replace('    email\n', ''));
      const generated = codegen(root);
      expect(generated.status, generated.output).toBe(0);
      expect(await readFile(join(root, 'packages/operations/src/generated/graphql.ts'), 'utf8')).not.toMatch(/authMember: \{[^}]*email/);

      // Then the type-check: code that read the field fails to compile until it stops.
      const typecheck = () => {
        try {
          execFileSync(join(root, 'node_modules/.bin/tsc'), ['--noEmit', '-p', 'packages/operations'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
          return { status: 0, output: '' };
        } catch (error) {
          return { status: 1, output: String((error as { stdout?: string }).stdout) };
        }
      };
      const failing = typecheck();
      expect(failing.status).toBe(1);
      expect(failing.output).toMatch(/src\/index\.test-d\.ts\(\d+,\d+\): error TS2339: Property 'email' does not exist on type/);
      const typeTest = join(root, 'packages/operations/src/index.test-d.ts');
      await writeFile(typeTest, (await readFile(typeTest, 'utf8')).replace(/^.*Member\['email'\].*\n/m, ''));
      expect(typecheck()).toEqual({ status: 0, output: '' });

      // Fixed: check passes now; the changeset still says major, since released users lose a field.
      expect(await run('check')).toBe(0);
      expect(await run('changeset')).toBe(0);
      expect(printed.pop()).toMatch(/^Wrote \.changeset\/bettermode-schema-[0-9a-f]{8}\.md: major/);
      const [changeset] = (await readdir(join(root, '.changeset'))).filter((name) => name.startsWith('bettermode-schema-'));
      expect(await readFile(join(root, '.changeset', changeset as string), 'utf8')).toBe(
        [
          '---',
          '"@bettermode-kit/client": major',
          '"@bettermode-kit/codegen-preset": major',
          '"@bettermode-kit/emulator": major',
          '"@bettermode-kit/operations": major',
          '---',
          '',
          'Bettermode schema update: 1 breaking, 0 dangerous, 0 safe change(s).',
          '',
          'Breaking:',
          "- Field 'email' was removed from object type 'Member' (used by operations/member/AuthMember.graphql)",
          '',
        ].join('\n'),
      );
    } finally {
      await emulator.stop();
      await rm(root, { recursive: true, force: true });
    }
    // Two codegen runs and a git repository: slow when the rest of the suite shares the 2 cores.
  }, 120_000);
});
