import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Ship the schema the documents were generated from, so users can run their own codegen on it,
  // and the shared fragments, so their operations can spread them.
  onSuccess: async () => {
    await copyFile('../../schema/bettermode.graphql', 'dist/schema.graphql');
    const fragments = await Promise.all(
      ['auth/AuthTokenFields.graphql', 'content/ContentFragments.graphql'].map((file) =>
        readFile(`../../operations/${file}`, 'utf8'),
      ),
    );
    await writeFile('dist/fragments.graphql', fragments.join('\n'));
  },
});
