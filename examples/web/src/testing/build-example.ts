import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const exampleRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the example for production against `endpoint`, as a user would (`vite build` with VITE_ settings); returns the output folder. */
export async function buildExample(endpoint: string, networkDomain = 'community.bettermode.io'): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'bettermode-web-'));
  const child = spawn(
    join(exampleRoot, 'node_modules/.bin/vite'),
    ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: exampleRoot,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        VITE_BETTERMODE_ENDPOINT: endpoint,
        VITE_BETTERMODE_NETWORK_DOMAIN: networkDomain,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`vite build failed:\n${output}`);
  return outDir;
}
