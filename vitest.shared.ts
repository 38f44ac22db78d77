import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The vitest settings every package shares; each package merges its own on top. */
export default defineConfig({
  resolve: {
    // Vite would load graphql's ESM build while Node loads the CJS one for other packages:
    // two copies of graphql ("Cannot use GraphQLSchema from another module or realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    setupFiles: [fileURLToPath(new URL('./vitest.setup.ts', import.meta.url))],
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
