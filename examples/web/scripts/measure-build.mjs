// For pnpm bench: the example's production build (vite build, minified), its size, and the share of
// bettermode-kit's own packages (client, operations) in it, minified and gzipped.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = await mkdtemp(join(tmpdir(), 'bettermode-web-measure-'));
const own = /packages\/(client|operations)\//;
const totals = { minified: 0, gzip: 0, ownMinified: 0, ownGzip: 0, ownModules: 0 };
// Module code is handed over before minification: ours is minified on its own to measure its share.
const ownCode = [];
try {
  await build({
    root,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
    plugins: [
      {
        name: 'measure',
        generateBundle(_options, bundle) {
          for (const output of Object.values(bundle)) {
            if (output.type !== 'chunk') continue;
            totals.minified += Buffer.byteLength(output.code);
            totals.gzip += gzipSync(output.code, { level: 9 }).byteLength;
            for (const [id, module] of Object.entries(output.modules)) {
              if (!own.test(id)) continue;
              totals.ownModules += 1;
              ownCode.push(module.code ?? '');
            }
          }
        },
      },
    ],
  });
  const minified = (await transform(ownCode.join('\n'), { minify: true, format: 'esm' })).code;
  totals.ownMinified = Buffer.byteLength(minified);
  totals.ownGzip = gzipSync(minified, { level: 9 }).byteLength;
} finally {
  await rm(outDir, { recursive: true, force: true });
}
console.log(JSON.stringify(totals));
