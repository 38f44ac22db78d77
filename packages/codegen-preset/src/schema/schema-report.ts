import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { isValueType, type OperationUsage } from './operation-usage';

/** How much a change matters to clients, as GraphQL Inspector judges it. */
export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

/** One schema change and the operation files that use what it changes. */
export interface SchemaChange {
  level: ChangeLevel;
  type: string;
  message: string;
  path: string | null;
  operations: string[];
}

const levels: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/**
 * Diffs two schema versions with GraphQL Inspector and charges each change to the operations
 * using its coordinate: the coordinate itself, the field of a changed argument, or the enum or
 * input type of a changed value or input field.
 */
export async function compareSchemas(before: GraphQLSchema, after: GraphQLSchema, usage: OperationUsage): Promise<SchemaChange[]> {
  const changes = await diff(before, after);
  return changes.map((change: Change) => {
    const path = change.path ?? null;
    return {
      level: levels[change.criticality.level],
      type: String(change.type),
      message: change.message,
      path,
      operations: path ? operationsUsing(path, usage, before, after) : [],
    };
  });
}

function operationsUsing(path: string, usage: OperationUsage, before: GraphQLSchema, after: GraphQLSchema): string[] {
  const segments = path.split('.');
  const parent = segments.slice(0, -1).join('.');
  const parentCounts =
    (segments.length === 3) || (segments.length === 2 && (isValueType(before, parent) || isValueType(after, parent)));
  return [...usage]
    .filter(([, coordinates]) => coordinates.has(path) || (parentCounts && coordinates.has(parent)))
    .map(([file]) => file);
}

/** Does any breaking change touch an operation? Then `schema:check` fails. */
export function breaksOperations(changes: readonly SchemaChange[]): boolean {
  return changes.some((change) => change.level === 'breaking' && change.operations.length > 0);
}

const headings: Record<ChangeLevel, string> = { breaking: 'Breaking', dangerous: 'Dangerous', safe: 'Safe' };

/**
 * The report `schema check` prints: changes grouped by level, each with the operations it
 * touches, then what to do. `advice` is the next step when a breaking change touches one.
 */
export function formatReport(changes: readonly SchemaChange[], advice = 'fix those operations, then run codegen'): string {
  if (changes.length === 0) return 'No schema changes.\n';
  const lines: string[] = [];
  for (const level of ['breaking', 'dangerous', 'safe'] as const) {
    const group = changes.filter((change) => change.level === level);
    if (group.length === 0) continue;
    lines.push(`${headings[level]} (${group.length})`);
    for (const change of group) {
      const used = change.operations.length > 0 ? `  <- used by ${change.operations.join(', ')}` : '';
      lines.push(`  - ${change.message}${used}`);
    }
    lines.push('');
  }
  const touching = changes.filter((change) => change.level === 'breaking' && change.operations.length > 0).length;
  lines.push(
    touching > 0 ? `${touching} breaking change(s) touch the operations: ${advice}.` : 'No breaking change touches the operations.',
  );
  return `${lines.join('\n')}\n`;
}
