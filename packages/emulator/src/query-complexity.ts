import {
  Kind,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The cost of an operation as the emulator counts it (Bettermode's own formula is not public;
 * this one follows what its guide says, "a paginated field costs about 2 + page size x the
 * node's cost"):
 *
 * - a field costs 1, plus what it selects (fragments counted each time they are spread);
 * - a paginated field (one with a `limit` argument) costs 2 + `limit` x the cost of one item,
 *   where one item is what it selects under `nodes` and under `edges` (at least 1); its
 *   `totalCount` and `pageInfo` are in the 2.
 *
 * `limit` is read from the query or from `variables`.
 */
export function queryComplexity(
  document: DocumentNode,
  operationName?: string | null,
  variables?: Readonly<Record<string, unknown>> | null,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: SelectionSetNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (
      definition.kind === Kind.OPERATION_DEFINITION &&
      (!operationName || definition.name?.value === operationName)
    )
      operation ??= definition.selectionSet;
  }
  /** The fields a selection set selects, fragments flattened. */
  const fieldsOf = (selectionSet: SelectionSetNode, depth: number, into: FieldNode[] = []): FieldNode[] => {
    if (depth > 32) return into;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) into.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet, depth + 1, into);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) fieldsOf(fragment.selectionSet, depth + 1, into);
      }
    }
    return into;
  };
  const limitOf = (field: FieldNode): number | null => {
    const argument = field.arguments?.find((candidate: ArgumentNode) => candidate.name.value === 'limit');
    if (!argument) return null;
    const value = argument.value;
    const raw =
      value.kind === Kind.INT
        ? Number(value.value)
        : value.kind === Kind.VARIABLE
          ? Number(variables?.[value.name.value])
          : Number.NaN;
    return Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 0;
  };
  const count = (selectionSet: SelectionSetNode, depth: number): number => {
    let total = 0;
    for (const field of fieldsOf(selectionSet, depth)) total += fieldCost(field, depth);
    return total;
  };
  const fieldCost = (field: FieldNode, depth: number): number => {
    if (depth > 32) return 0;
    const limit = limitOf(field);
    if (limit === null) return 1 + (field.selectionSet ? count(field.selectionSet, depth + 1) : 0);
    let item = 0;
    if (field.selectionSet)
      for (const part of fieldsOf(field.selectionSet, depth + 1))
        if ((part.name.value === 'nodes' || part.name.value === 'edges') && part.selectionSet)
          item += count(part.selectionSet, depth + 2);
    return 2 + limit * Math.max(1, item);
  };
  return operation ? count(operation, 0) : 0;
}
