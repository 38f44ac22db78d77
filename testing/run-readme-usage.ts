import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

/**
 * Runs the first TypeScript block of a package README's "## Usage" section, so the README
 * cannot rot: its imports stay at the top, its body runs inside an async function that receives
 * `scope` (e.g. the `emulator` the snippet talks to). The module is written into the package
 * folder, so its imports resolve as a user's would.
 */
export async function runReadmeUsage(packageFolder: string, scope: Record<string, unknown> = {}): Promise<void> {
  await runReadmeSection(packageFolder, 'Usage', scope);
}

/**
 * Runs the first TypeScript block under the `## heading` section of a package README, like
 * {@link runReadmeUsage}; resolves to what the block exports as default (a Worker's `{ fetch }`).
 */
export async function runReadmeSection(
  packageFolder: string,
  heading: string,
  scope: Record<string, unknown> = {},
): Promise<unknown> {
  const readme = await readFile(join(packageFolder, 'README.md'), 'utf8');
  const section = readme
    .split(new RegExp(`^## ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))[1]
    ?.split(/^## /m)[0];
  const snippet = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!snippet) throw new Error(`${packageFolder}/README.md has no \`\`\`ts block under "## ${heading}"`);
  const lines = snippet.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines
    .filter((line) => !line.startsWith('import '))
    .map((line) => line.replace(/^export default /, 'return '));
  const source = [
    ...imports,
    `export default async function usage({ ${Object.keys(scope).join(', ')} }: Record<string, any>) {`,
    ...body,
    '}',
  ].join('\n');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  });
  const file = join(packageFolder, `.readme-usage-${randomBytes(4).toString('hex')}.mjs`);
  await writeFile(file, outputText);
  try {
    const module = (await import(pathToFileURL(file).href)) as {
      default: (scope: Record<string, unknown>) => Promise<unknown>;
    };
    return await module.default(scope);
  } finally {
    await rm(file, { force: true });
  }
}
