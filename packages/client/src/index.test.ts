import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

test('the main entry has nothing Node-only: it bundles for the browser', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0]?.text ?? '';
  expect(code).not.toMatch(/from ["']node:/);
  expect(code).not.toMatch(/require\(["'](node:)?(fs|path|crypto)["']\)/);
});
