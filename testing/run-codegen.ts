import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const codegenBin = fileURLToPath(new URL('../node_modules/.bin/graphql-codegen', import.meta.url));

/** Runs the project's GraphQL Code Generator on the codegen.ts of `tree` (a copy of the repository). */
export function runCodegen(tree: string): { status: number | null; output: string } {
  // Under NODE_ENV=test (set by vitest) codegen's renderer prints nothing, errors included.
  const { NODE_ENV: _testEnv, ...env } = process.env;
  const run = spawnSync(codegenBin, ['--config', 'codegen.ts'], { cwd: tree, encoding: 'utf8', env: { ...env, CI: 'true' } });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}
