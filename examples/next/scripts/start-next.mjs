// pnpm start:next: builds the example, starts an emulator (unless BETTERMODE_ENDPOINT points at a
// real community) and the app, and prints the address to open.
import { startEmulator } from '@bettermode-kit/emulator';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const next = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

let emulator;
if (!process.env.BETTERMODE_ENDPOINT) {
  emulator = await startEmulator();
  env.BETTERMODE_ENDPOINT = emulator.url;
  env.BETTERMODE_NETWORK_DOMAIN = emulator.networkDomain;
}

// --no-build serves the build that is there (the tests build once for every test file).
if (!process.argv.includes('--no-build')) {
  console.log('Building the Next.js example (about 20 s)…');
  const build = spawn(process.execPath, [next, 'build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const [built] = await once(build, 'exit');
  if (built !== 0) {
    await emulator?.stop();
    process.exit(1);
  }
}

const port = process.env.PORT ?? '3000';
const app = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', port], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let printed = '';
app.stdout.on('data', (chunk) => {
  printed += chunk.toString();
  if (printed.includes('Ready in') && !printed.includes('\u0000')) {
    printed += '\u0000';
    const endpoint = new URL(env.BETTERMODE_ENDPOINT);
    endpoint.username = '';
    endpoint.password = '';
    console.log(`bettermode-kit Next.js example: http://127.0.0.1:${port}/`);
    console.log(
      emulator
        ? `Bettermode emulator: ${emulator.url} (log in as bettermodeuser / bettermodepassword)`
        : `Bettermode: ${endpoint}`,
    );
    console.log('Ctrl+C stops it.');
  }
});

const stop = async () => {
  app.kill('SIGTERM');
  await emulator?.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
app.once('exit', async (code) => {
  await emulator?.stop();
  process.exit(code ?? 1);
});
