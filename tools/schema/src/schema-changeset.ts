import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically, type ChangeLevel, type SchemaChange } from '@bettermode-kit/codegen-preset/schema';

/** A semver bump as changesets names it. */
export type Bump = 'major' | 'minor' | 'patch';

const operationsPackage = '@bettermode-kit/operations';

/**
 * The bump a schema update calls for: a breaking change an operation uses is major (the
 * generated types or documents break); a dangerous change to a used coordinate is minor (e.g. a
 * new enum value a consumer's exhaustive switch does not handle); anything else is a patch.
 */
export function bumpFor(changes: readonly SchemaChange[]): Bump {
  const used = (level: ChangeLevel) => changes.some((change) => change.level === level && change.operations.length > 0);
  if (used('breaking')) return 'major';
  if (used('dangerous')) return 'minor';
  return 'patch';
}

/** The published workspace packages that depend on @bettermode-kit/operations, and it. */
export async function packagesToRelease(root: string): Promise<string[]> {
  const names = [operationsPackage];
  for (const folder of await readdir(join(root, 'packages'))) {
    let manifest: { name?: string; private?: boolean; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    try {
      manifest = JSON.parse(await readFile(join(root, 'packages', folder, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const dependsOnOperations = Boolean(manifest.dependencies?.[operationsPackage] ?? manifest.peerDependencies?.[operationsPackage]);
    if (manifest.name && !manifest.private && dependsOnOperations) names.push(manifest.name);
  }
  return names.sort();
}

/** The changeset text: front matter with the bumps, then the changes in plain words. */
export function changesetText(changes: readonly SchemaChange[], packages: readonly string[]): string {
  const bump = bumpFor(changes);
  const count = (level: ChangeLevel) => changes.filter((change) => change.level === level).length;
  const lines = ['---', ...packages.map((name) => `"${name}": ${bump}`), '---', ''];
  lines.push(`Bettermode schema update: ${count('breaking')} breaking, ${count('dangerous')} dangerous, ${count('safe')} safe change(s).`);
  for (const level of ['breaking', 'dangerous', 'safe'] as const) {
    const group = changes.filter((change) => change.level === level);
    if (group.length === 0) continue;
    lines.push('', `${level[0]?.toUpperCase()}${level.slice(1)}:`);
    for (const change of group) {
      const used = change.operations.length > 0 ? ` (used by ${change.operations.join(', ')})` : '';
      lines.push(`- ${change.message}${used}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the changeset into .changeset/ and returns its path; the name follows from its content. */
export async function writeSchemaChangeset(root: string, changes: readonly SchemaChange[]): Promise<{ path: string; bump: Bump }> {
  const text = changesetText(changes, await packagesToRelease(root));
  const id = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const path = join(root, '.changeset', `bettermode-schema-${id}.md`);
  await writeFileAtomically(path, text);
  return { path, bump: bumpFor(changes) };
}
