import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What one worker did (see shared-session-worker.mjs). */
export interface WorkerReport {
  operations: { startedAt: number; endedAt: number; username?: string; error?: string }[];
  errors: Record<string, number>;
  warnings: string[];
  session: { kind: string; username: string } | null;
}

/** A holder of a shared session in a process of its own. */
export interface SessionWorker {
  process: ChildProcessWithoutNullStreams;
  send(command: 'run' | 'logout' | 'lock' | 'stop'): void;
  /** Resolves with the next line the worker prints that starts with `prefix`. */
  next(prefix: string): Promise<string>;
  stop(): Promise<WorkerReport>;
}

const workerScript = fileURLToPath(new URL('./shared-session-worker.mjs', import.meta.url));

/** Starts a worker whose client uses `storageExport(...storageArgs)` from `storageModule`. */
export async function startWorker(options: {
  clientModule: string;
  storageModule: string;
  storageExport: string;
  storageArgs: unknown[];
  endpoint: string;
  rate?: number;
  /** An app client instead of a member client: its /node entry and its credentials. */
  app?: { module: string; clientId: string; clientSecret: string; networkId: string };
}): Promise<SessionWorker> {
  const child = spawn(process.execPath, [workerScript], {
    env: {
      ...process.env,
      CLIENT_MODULE: options.clientModule,
      STORAGE_MODULE: options.storageModule,
      STORAGE_EXPORT: options.storageExport,
      STORAGE_ARGS: JSON.stringify(options.storageArgs),
      ENDPOINT: options.endpoint,
      RATE: String(options.rate ?? 20),
      ...(options.app
        ? {
            APP_MODULE: options.app.module,
            APP: JSON.stringify({
              clientId: options.app.clientId,
              clientSecret: options.app.clientSecret,
              networkId: options.app.networkId,
            }),
          }
        : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: { prefix: string; resolve: (line: string) => void }[] = [];
  const seen: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.WORKER_DEBUG) process.stderr.write(chunk);
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const index = waiting.findIndex((each) => line.startsWith(each.prefix));
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(line);
    else seen.push(line);
  });
  const next = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const earlier = seen.findIndex((line) => line.startsWith(prefix));
      if (earlier >= 0) return resolve(seen.splice(earlier, 1)[0] as string);
      waiting.push({ prefix, resolve });
      child.once('exit', (code) =>
        reject(new Error(`the worker exited (${code}) before printing "${prefix}": ${stderr}`)),
      );
    });
  await next('ready');
  return {
    process: child,
    send: (command) => child.stdin.write(`${command}\n`),
    next,
    async stop() {
      child.stdin.write('stop\n');
      const line = await next('{');
      await once(child, 'exit');
      return JSON.parse(line) as WorkerReport;
    },
  };
}
