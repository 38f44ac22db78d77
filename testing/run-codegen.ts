import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));
const cli = fileURLToPath(new URL('../packages/codegen-preset/src/cli.ts', import.meta.url));

/** Runs `pnpm codegen` (the bettermode-kit codegen runner) on the codegen.ts of `tree` (a copy of the repository). */
export function runCodegen(tree: string): { status: number | null; output: string } {
  const run = spawnSync(tsx, [cli, 'codegen', '--config', 'codegen.ts'], { cwd: tree, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}
