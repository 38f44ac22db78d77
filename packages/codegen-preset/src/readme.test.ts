import { createBettermodeClient, memoryStorage } from '@bettermode-kit/client';
import { startEmulator } from '@bettermode-kit/emulator';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentNode } from 'graphql';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runReadmeSection } from '../../../testing/run-readme-usage';
import { bettermodeSchemaPath } from './bettermode-codegen';
import { runCodegen } from './run-codegen';

const packageFolder = join(import.meta.dirname, '..');
let app: string;
beforeEach(async () => {
  app = await mkdtemp(join(tmpdir(), 'bettermode-app-'));
});
afterEach(async () => {
  await rm(app, { recursive: true, force: true });
});

/** The first fenced block of `language` under `## heading` in a README. */
async function readmeBlock(readme: string, heading: string, language: string): Promise<string> {
  const section = (await readFile(readme, 'utf8')).split(`\n## ${heading}\n`)[1]?.split(/^## /m)[0] ?? '';
  const block = section.match(new RegExp('```' + language + '\\n([\\s\\S]*?)```'))?.[1];
  if (block === undefined) throw new Error(`no ${language} block under "## ${heading}" in ${readme}`);
  return block;
}

test("the README's Usage: its codegen.ts and operation generate what it shows, and the document runs with bm.query", async () => {
  const readme = join(packageFolder, 'README.md');
  const config = await runReadmeSection(packageFolder, 'Usage');
  await mkdir(join(app, 'src'));
  await writeFile(join(app, 'src/my-profile.graphql'), await readmeBlock(readme, 'Usage', 'graphql'));
  const run = await runCodegen({ cwd: app, config: config as never });
  const shown = (await readmeBlock(readme, 'Usage', 'text')).split('\n')[1];
  expect(run).toEqual({ ok: true, lines: [shown] });

  // The shape of a typed document (what urql and bm.query infer from), as the generated file declares it.
  type MyProfileDocument = DocumentNode & {
    __apiType?: (variables: Record<string, never>) => {
      authMember: { name: string | null; role: { name: string } | null };
    };
  };
  const { MyProfileDocument } = (await import(pathToFileURL(join(app, 'src/generated/graphql.ts')).href)) as {
    MyProfileDocument: MyProfileDocument;
  };
  const emulator = await startEmulator();
  const bm = createBettermodeClient({
    endpoint: emulator.url,
    networkDomain: emulator.networkDomain,
    storage: memoryStorage(),
  });
  try {
    await bm.login({ usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' });
    const { authMember } = await bm.query(MyProfileDocument, {});
    expect(authMember).toMatchObject({ name: 'John Smith', role: { name: 'Admin' } });
  } finally {
    bm.close();
    await emulator.stop();
  }
});

test('operations inside .ts files, as /* GraphQL */ strings, #graphql strings or gql tags, are found', async () => {
  await writeFile(
    join(app, 'queries.ts'),
    [
      'const gql = String.raw;',
      'export const a = /* GraphQL */ `query ByComment { authMember { id } }`;',
      'export const b = `#graphql\n  query ByHash { authMember { name } }`;',
      'export const c = gql`query ByTag { networkPublicInfo { name } }`;',
      '',
    ].join('\n'),
  );
  const run = await runCodegen({
    cwd: app,
    config: (await import('./bettermode-codegen')).bettermodeCodegen({ documents: '*.ts', outputDir: 'generated' }),
  });
  expect(run.ok).toBe(true);
  const generated = await readFile(join(app, 'generated/graphql.ts'), 'utf8');
  for (const name of ['ByCommentDocument', 'ByHashDocument', 'ByTagDocument'])
    expect(generated).toContain(`export const ${name} = `);
});

test("the operations README's ES-module codegen.ts resolves the schema and the fragment the kit ships", async () => {
  const config = (await runReadmeSection(join(packageFolder, '../operations'), 'The schema')) as {
    schema: string;
    documents: string[];
  };
  expect(config.schema).toBe(bettermodeSchemaPath());
  expect(await readFile(config.documents[1] as string, 'utf8')).toContain('fragment AuthTokenFields on AuthToken');
});
