import { execFileSync } from 'node:child_process';
import { readOperationFiles } from '@bettermode-kit/codegen-preset/schema';

/**
 * The `.graphql` files under `folder` as committed (HEAD): the operations the released packages
 * were generated from. Falls back to the working tree outside a git checkout.
 */
export async function readCommittedOperationFiles(root: string, folder = 'operations'): Promise<Map<string, string>> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  let paths: string[];
  try {
    paths = git('ls-tree', '-r', '--name-only', 'HEAD', '--', folder).split('\n').filter((path) => path.endsWith('.graphql'));
  } catch {
    return readOperationFiles(root, folder);
  }
  return new Map(paths.sort((a, b) => a.localeCompare(b)).map((path) => [path, git('show', `HEAD:${path}`)]));
}

