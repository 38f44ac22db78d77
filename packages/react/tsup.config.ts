import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Hooks run in the browser: the bundle marks itself as client code for React Server Components.
  banner: { js: "'use client';" },
});
