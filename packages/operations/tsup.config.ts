import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Ship the schema the documents were generated from, so users can run their own codegen on it,
  // and the shared fragment, so their operations can spread it.
  onSuccess: async () => {
    await copyFile('../../schema/bettermode.graphql', 'dist/schema.graphql');
    await copyFile('../../operations/auth/AuthTokenFields.graphql', 'dist/fragments.graphql');
  },
});
