// A GraphQL Code Generator plugin: the text of every operation, its fragments included, as a
// string constant (`TokensSource`, …), for clients that send operations as text and need no AST.
const { Kind, print, visit } = require('graphql');

module.exports = {
  plugin(_schema, documents) {
    const fragments = new Map();
    const operations = [];
    for (const { document } of documents) {
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
        else if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) operations.push(definition);
      }
    }
    const spreads = (node, found = new Set()) => {
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          if (found.has(name)) return;
          found.add(name);
          const fragment = fragments.get(name);
          if (fragment) spreads(fragment, found);
        },
      });
      return found;
    };
    const lines = [
      '',
      '/** The text of each operation, its fragments included: for sending as is, without a document AST. */',
    ];
    for (const operation of operations.sort((a, b) => a.name.value.localeCompare(b.name.value))) {
      const text = [operation, ...[...spreads(operation)].sort().map((name) => fragments.get(name))]
        .map((node) => print(node))
        .join('\n\n');
      lines.push(`export const ${operation.name.value}Source = ${JSON.stringify(text)};`);
    }
    return `${lines.join('\n')}\n`;
  },
};
