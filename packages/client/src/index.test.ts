import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/** The browser bundle of one entry, and the packages it took in. */
async function bundle(entry: string) {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  expect(result.errors).toEqual([]);
  const packages = new Set(
    Object.keys(result.metafile.inputs).flatMap(
      (path) => path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/)?.[1] ?? [],
    ),
  );
  return { code: result.outputFiles[0]?.text ?? '', packages };
}

test('the main entry has nothing Node-only: it bundles for the browser', async () => {
  const { code } = await bundle('./index.ts');
  expect(code).not.toMatch(/from ["']node:/);
  expect(code).not.toMatch(/require\(["'](node:)?(fs|path|crypto)["']\)/);
});

test('the main entry takes in nothing of urql; the /urql entry does', async () => {
  const main = await bundle('./index.ts');
  expect([...main.packages].filter((name) => /urql|wonka/.test(name))).toEqual([]);
  const urql = await bundle('./urql.ts');
  expect(urql.packages).toContain('@urql/core');
  expect(urql.packages).toContain('wonka');
});
