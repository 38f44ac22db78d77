import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../../testing/redis-server';

/** The example's folder. */
export const appRoot = fileURLToPath(new URL('../..', import.meta.url));
const nextBin = fileURLToPath(new URL('../../node_modules/next/dist/bin/next', import.meta.url));

/** Runs `next build` (about 20 s here): the tests serve the production build, as an app would. */
export async function buildNextApp(): Promise<void> {
  const child = spawn(process.execPath, [nextBin, 'build'], {
    cwd: appRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`next build failed (${code}):\n${output}`);
}

/** Whether a production build is there (`.next/BUILD_ID`). */
export function hasBuild(): boolean {
  return existsSync(`${appRoot}/.next/BUILD_ID`) && statSync(`${appRoot}/.next/BUILD_ID`).isFile();
}

/** One `next start` process of the example. */
export interface NextApp {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** What the server printed (its logs), to scan for secrets and errors. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the built example on a free port, pointed at `env`'s community (BETTERMODE_ENDPOINT, …). */
export async function startNextApp(env: Record<string, string>): Promise<NextApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appRoot,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready in/.test(output)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${output}`)));
  });
  await ready;
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
