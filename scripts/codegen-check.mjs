#!/usr/bin/env node
// Regenerates the typed documents and fails when the committed ones differ, so a schema or
// operation change always arrives in review together with its generated code.
import { execFileSync, spawnSync } from 'node:child_process';

const generated = 'packages/operations/src/generated';

const codegen = spawnSync('pnpm', ['--silent', 'codegen'], { stdio: 'inherit' });
if (codegen.status !== 0) {
  console.error('codegen:check: `pnpm codegen` failed (see above).');
  process.exit(codegen.status ?? 1);
}

const changed = execFileSync('git', ['status', '--porcelain', '--', generated], { encoding: 'utf8' });
if (changed.trim() !== '') {
  console.error(`codegen:check: ${generated} is stale. Run \`pnpm codegen\` and commit the result.\n${changed}`);
  spawnSync('git', ['--no-pager', 'diff', '--stat', '--', generated], { stdio: 'inherit' });
  process.exit(1);
}
console.log(`codegen:check: ${generated} is up to date.`);
