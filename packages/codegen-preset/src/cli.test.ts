import { startEmulator } from '@bettermode-kit/emulator';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bettermodeSchemaPath, runBettermodeKit } from './index';

let app: string;
let printed: string[];
const run = (...argv: string[]) => runBettermodeKit(argv, app, (line) => printed.push(line));
beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'bettermode-app-'));
  printed = [];
});
afterEach(async () => {
  await rm(app, { recursive: true, force: true });
});

test('codegen with a codegen.ts of three lines', async () => {
  await writeFile(join(app, 'profile.graphql'), 'query MyProfile { authMember { id name } }\n');
  await writeFile(
    join(app, 'codegen.ts'),
    `import { bettermodeCodegen } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};\nexport default bettermodeCodegen({ documents: '*.graphql', outputDir: 'generated' });\n`,
  );
  expect(await run('codegen')).toBe(0);
  expect(printed).toEqual(['Generated generated/graphql.ts']);
});

test('codegen without a config file or --documents says what to do', async () => {
  await expect(run('codegen')).rejects.toThrow(
    'No codegen.ts here: write one with bettermodeCodegen(), or pass --documents and --output-dir',
  );
});

test('schema pull names the endpoint without the credentials a URL carries; the file is the schema the kit ships', async () => {
  const emulator = await startEmulator();
  try {
    // fetch refuses a URL with credentials: the error names the endpoint without them.
    const withCredentials = emulator.url.replace('http://', 'http://someone:a-url-secret@');
    const refused = await run(
      'schema',
      'pull',
      '--endpoint',
      withCredentials,
      '--network-domain',
      emulator.networkDomain,
    ).catch((error: Error) => error.message);
    expect(refused).toMatch(new RegExp(`^Could not reach ${emulator.url.replace(/[.:/]/g, '\\$&')} \\(.*credentials`));
    expect(String(refused)).not.toContain('a-url-secret');
    expect(await run('schema', 'pull', '--endpoint', emulator.url, '--network-domain', emulator.networkDomain)).toBe(0);
    expect(printed).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Wrote schema/bettermode\\.graphql \\(\\d+ bytes\\) from ${emulator.url.replace(/[.:/]/g, '\\$&')}\\.$`,
        ),
      ),
    ]);
    expect(await readFile(join(app, 'schema/bettermode.graphql'), 'utf8')).toBe(
      await readFile(bettermodeSchemaPath(), 'utf8'),
    );
    // Unchanged: nothing to report.
    await writeFile(join(app, 'profile.graphql'), 'query MyProfile { authMember { id email } }\n');
    expect(
      await run(
        'schema',
        'check',
        '--documents',
        '*.graphql',
        '--endpoint',
        emulator.url,
        '--network-domain',
        emulator.networkDomain,
      ),
    ).toBe(0);
    expect(printed.at(-1)).toBe('No schema changes.');
  } finally {
    await emulator.stop();
  }
});

test("schema check names the app's operations a change touches, and exits 1 when a breaking one does", async () => {
  await mkdir(join(app, 'operations'));
  await writeFile(join(app, 'operations/profile.graphql'), 'query MyProfile { authMember { id email } }\n');
  await writeFile(
    join(app, 'next.graphql'),
    (await readFile(bettermodeSchemaPath(), 'utf8')).replace(/^ {2}email: String\n/m, ''),
  );
  expect(await run('schema', 'check', '--documents', 'operations/*.graphql', '--against', 'next.graphql')).toBe(1);
  expect(printed.at(-1)).toContain(
    "Field 'email' was removed from object type 'Member'  <- used by operations/profile.graphql",
  );
});
