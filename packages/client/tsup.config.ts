import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  splitting: true,
};

/** In the Node build, the default transport is `node:http` instead of fetch. */
const nodeDefaultTransport = {
  name: 'node-default-transport',
  setup(build: {
    onResolve: (
      options: { filter: RegExp },
      callback: (args: { path: string; resolveDir: string }) => { path: string },
    ) => void;
  }) {
    build.onResolve({ filter: /\/default-transport$/ }, (args) => ({
      path: resolve(args.resolveDir, `${args.path}.node.ts`),
    }));
  },
};

export default defineConfig([
  // Browsers, workers, edge runtimes: the package's default condition.
  {
    ...shared,
    entry: { index: 'src/index.ts', urql: 'src/urql.ts', testing: 'src/testing.ts' },
    outDir: 'dist/default',
    clean: true,
  },
  // Node (the `node` condition) and the Node-only `/node` entry, sharing one set of chunks.
  {
    ...shared,
    entry: { index: 'src/index.ts', node: 'src/node.ts', urql: 'src/urql.ts', testing: 'src/testing.ts' },
    outDir: 'dist/node',
    clean: true,
    esbuildPlugins: [nodeDefaultTransport],
  },
]);
