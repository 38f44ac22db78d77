import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCodegen } from '../../../testing/run-codegen';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Each test spawns codegen on the full schema: give it room when the suite shares the machine.
describe('pnpm codegen', { timeout: 60_000 }, () => {
  let tree: string;

  beforeEach(async () => {
    tree = await mkdtemp(join(tmpdir(), 'bettermode-codegen-'));
    await cp(join(root, 'codegen.ts'), join(tree, 'codegen.ts'));
    await cp(join(root, 'schema'), join(tree, 'schema'), { recursive: true });
    await cp(join(root, 'operations'), join(tree, 'operations'), { recursive: true });
    await cp(join(root, 'tools/codegen'), join(tree, 'tools/codegen'), { recursive: true });
    await cp(join(root, 'packages/codegen-preset/src'), join(tree, 'packages/codegen-preset/src'), { recursive: true });
    // Codegen resolves its plugins from the working directory.
    await symlink(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  });

  afterEach(async () => {
    await rm(tree, { recursive: true, force: true });
  });

  test('reproduces the committed generated file from the committed schema and operations', async () => {
    const run = runCodegen(tree);
    expect(run.status, run.output).toBe(0);
    const generatedPath = 'packages/operations/src/generated/graphql.ts';
    expect(await readFile(join(tree, generatedPath), 'utf8')).toBe(await readFile(join(root, generatedPath), 'utf8'));
  });

  test('generates only the types the operations use, not the whole schema', async () => {
    const generated = await readFile(join(root, 'packages/operations/src/generated/graphql.ts'), 'utf8');
    expect(generated).toMatch(/export const TokensDocument\b/);
    // Types the operations never touch stay out of the package.
    expect(generated).not.toMatch(/\bPostType\b/);
    expect(generated).not.toMatch(/export type Space\b/);
    // The schema has about 500 types; the operations use some 60.
    expect(generated.match(/^export type /gm)?.length).toBeLessThan(100);
  });

  test('fails on a field the schema lacks, naming the operation file and the field', async () => {
    await writeFile(
      join(tree, 'operations/member/AuthMemberColour.graphql'),
      'query AuthMemberColour {\n  authMember {\n    id\n    favouriteColour\n  }\n}\n',
    );
    const run = runCodegen(tree);
    expect(run.status).not.toBe(0);
    // As the README shows it: one line, the path relative to the repository, no success line after it.
    expect(run.output.trim()).toBe(
      'Cannot query field "favouriteColour" on type "Member". at operations/member/AuthMemberColour.graphql:4:5',
    );
  });
});
