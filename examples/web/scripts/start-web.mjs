// pnpm start:web: the example's dev server, against the emulator (or a real community when
// VITE_BETTERMODE_ENDPOINT is set), and the address to open.
import { startEmulator } from '@bettermode-kit/emulator';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
let emulator;
if (!process.env.VITE_BETTERMODE_ENDPOINT) {
  emulator = await startEmulator();
  process.env.VITE_BETTERMODE_ENDPOINT = emulator.url;
  process.env.VITE_BETTERMODE_NETWORK_DOMAIN = emulator.networkDomain;
}
const server = await createServer({
  root,
  configFile: `${root}/vite.config.ts`,
  server: { host: '127.0.0.1', port: Number(process.env.PORT ?? 5173) },
  logLevel: 'warn',
});
await server.listen();
const address = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
const endpoint = new URL(process.env.VITE_BETTERMODE_ENDPOINT);
endpoint.username = '';
endpoint.password = '';
console.log(`bettermode-kit web example: ${address}`);
console.log(
  emulator
    ? `Bettermode emulator: ${emulator.url} (log in as bettermodeuser / bettermodepassword)`
    : `Bettermode: ${endpoint}`,
);
console.log('Ctrl+C stops it.');

const stop = async () => {
  await server.close();
  await emulator?.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
