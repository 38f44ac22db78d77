// Lists the typed operations @bettermode-kit/operations ships, with the variables each takes.
import * as operations from '@bettermode-kit/operations';
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';

const documents = Object.entries(operations).filter(
  (entry): entry is [string, DocumentNode] => entry[0].endsWith('Document') && !entry[0].endsWith('FragmentDoc'),
);

console.log(`@bettermode-kit/operations: ${documents.length} typed operations\n`);
for (const [exportName, document] of documents) {
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) continue;
  const variables = (operation.variableDefinitions ?? []).map(
    (variable) => `$${variable.variable.name.value}: ${print(variable.type)}`,
  );
  console.log(`${exportName.padEnd(26)} ${operation.operation.padEnd(8)} (${variables.join(', ') || 'no variables'})`);
}
