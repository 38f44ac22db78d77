import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * The cost of an operation as the emulator counts it: 1 for every field it selects, nested ones
 * and those reached through fragments included (each time a fragment is spread). Bettermode's own
 * formula is not public; this one is simple and documented.
 */
export function queryComplexity(document: DocumentNode, operationName?: string | null): number {
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
  const count = (selectionSet: SelectionSetNode, depth: number): number => {
    if (depth > 32) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD)
        total += 1 + (selection.selectionSet ? count(selection.selectionSet, depth + 1) : 0);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, depth + 1);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) total += count(fragment.selectionSet, depth + 1);
      }
    }
    return total;
  };
  return operation ? count(operation, 0) : 0;
}
