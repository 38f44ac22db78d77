// The measurements of pnpm bench, each a function that runs its peers side by side and returns
// numbers; run-bench.ts calls them in order and render-results.ts turns them into RESULTS.md.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createBettermodeClient } from '@bettermode-kit/client';
import { fileStorage } from '@bettermode-kit/client/node';
import { startEmulator } from '@bettermode-kit/emulator';
import { AuthMemberDocument } from '@bettermode-kit/operations';
import { build } from 'esbuild';
import { startRedisServer } from '../../testing/redis-server';
import { startWorker, type SessionWorker } from '../../testing/shared-session-harness';

export const benchDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = join(benchDir, '..');
export const clients = [
  'bettermode-kit',
  'bettermode-kit-fetch',
  'official-client',
  'graphql-request',
  'apollo-client',
  'urql-exchange-auth',
  'raw-fetch',
  'raw-node-http',
] as const;
export type ClientName = (typeof clients)[number];
const repetitions = 3;
const member = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export const spread = (values: number[]): Spread => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
};
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs a command and resolves to its stdout and wall time; rejects with its output on failure. */
export async function runCommand(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ stdout: string; output: string; code: number | null; wallMs: number }> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  let stdout = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString()), (output += chunk.toString())));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { stdout, output, code, wallMs: performance.now() - started };
}

export async function runJson<T>(script: string, args: string[]): Promise<T> {
  const { stdout, output, code } = await runCommand(
    process.execPath,
    [join(benchDir, 'runners', script), ...args],
    benchDir,
  );
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${output.slice(-2000)}`);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as T;
}

export async function roundTrips() {
  const emulator = await startEmulator();
  const client = () => createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    const cold = client();
    await Promise.all(Array.from({ length: 100 }, () => cold.query(AuthMemberDocument, {})));
    const concurrentColdTokens = emulator.stats().byField.tokens ?? 0;
    cold.close();

    emulator.resetStats();
    const login = client();
    await login.login(member);
    const guestToMemberRequests = emulator.stats().requests;
    login.close();

    const folder = await mkdtemp(join(tmpdir(), 'bench-session-'));
    const path = join(folder, 'session.json');
    const first = createBettermodeClient({
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      storage: fileStorage(path),
    });
    await first.login(member);
    first.close();
    emulator.resetStats();
    const restarted = createBettermodeClient({
      endpoint: emulator.url,
      networkDomain: emulator.networkDomain,
      storage: fileStorage(path),
    });
    await restarted.query(AuthMemberDocument, {});
    const restartTokens = emulator.stats().byField.tokens ?? 0;
    restarted.close();
    await rm(folder, { recursive: true, force: true });
    return { concurrentColdTokens, guestToMemberRequests, restartTokens };
  } finally {
    await emulator.stop();
  }
}

export async function acrossExpiry() {
  const emulator = await startEmulator({ accessTokenTtlSeconds: 3 });
  const bm = createBettermodeClient({ endpoint: emulator.url, networkDomain: emulator.networkDomain });
  try {
    await bm.login(member);
    emulator.resetStats();
    let failed = 0;
    let operations = 0;
    // Waves of 100 concurrent operations every 500 ms for 4.5 s: the 3 s token expires on the way.
    for (let wave = 0; wave < 10; wave += 1) {
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => bm.query(AuthMemberDocument, {})));
      operations += results.length;
      failed += results.filter((result) => result.status === 'rejected').length;
      await sleep(500);
    }
    return {
      operations,
      failed,
      refreshRequests: emulator.stats().byField.tokens ?? 0,
      unauthorized: emulator.stats().unauthorized,
    };
  } finally {
    bm.close();
    await emulator.stop();
  }
}

/** Requests per run: enough after the warm-up for the JIT of every client to settle, within the time the bench may take. */
export const requestCounts = { 'fixed-body': { 1: 2000, 32: 10_000 }, emulator: { 1: 500, 32: 3000 } } as const;
/** Repetitions of the cost per request: its spread on this shared 2-core machine is wider than the rest's. */
const costRepetitions = 5;

export async function costPerRequest(emulatorUrl: string, memberToken: string, fixedUrl: string) {
  const rows: {
    server: string;
    concurrency: number;
    client: ClientName;
    requestsPerSecond: Spread;
    meanLatencyMs: Spread;
    cpuMicrosPerRequest: Spread;
    failures: number;
    maxRssKb: number;
  }[] = [];
  for (const [server, url, token] of [
    ['fixed-body', fixedUrl, 'fixed-token'],
    ['emulator', emulatorUrl, memberToken],
  ] as const) {
    for (const concurrency of [1, 32] as const) {
      const count = requestCounts[server][concurrency];
      type Run = {
        requestsPerSecond: number;
        meanLatencyMs: number;
        cpuMicrosPerRequest: number;
        failures: number;
        maxRssKb: number;
      };
      const runs = new Map<ClientName, Run[]>(clients.map((client) => [client, []]));
      // An untimed run first: the server's own JIT has settled before the first client is timed.
      await runJson<Run>('measure-requests.mjs', [
        'raw-node-http',
        url,
        'community.bettermode.io',
        token,
        String(concurrency),
        String(count),
      ]);
      // Round robin, each round starting one client further: a slow spell of this shared machine
      // then falls on every client alike, not on whichever happened to run all its repetitions in it.
      for (let repetition = 0; repetition < costRepetitions; repetition += 1) {
        for (let turn = 0; turn < clients.length; turn += 1) {
          const client = clients[(turn + repetition) % clients.length] as ClientName;
          runs
            .get(client)
            ?.push(
              await runJson<Run>('measure-requests.mjs', [
                client,
                url,
                'community.bettermode.io',
                token,
                String(concurrency),
                String(count),
              ]),
            );
        }
      }
      for (const client of clients) {
        const clientRuns = runs.get(client) ?? [];
        rows.push({
          server,
          concurrency,
          client,
          requestsPerSecond: spread(clientRuns.map((run) => run.requestsPerSecond)),
          meanLatencyMs: spread(clientRuns.map((run) => run.meanLatencyMs)),
          cpuMicrosPerRequest: spread(clientRuns.map((run) => run.cpuMicrosPerRequest)),
          failures: clientRuns.reduce((sum, run) => sum + run.failures, 0),
          maxRssKb: Math.max(...clientRuns.map((run) => run.maxRssKb)),
        });
        log(
          `cost: ${server} c=${concurrency} ${client}: ${round(rows.at(-1)?.requestsPerSecond.median ?? 0, 0)} req/s, ${round(rows.at(-1)?.cpuMicrosPerRequest.median ?? 0, 0)} µs CPU/request`,
        );
      }
    }
  }
  return rows;
}

/**
 * One session shared by 8 processes across 5 expiries of a 2 s token, on a file and on Redis:
 * the same workers as the shared-session tests, the emulator's reuse grace off.
 */
export async function sharedSessions() {
  const rows: {
    storage: string;
    processes: number;
    expiries: number;
    operations: number;
    failures: number;
    refreshes: number;
    unauthorized: number;
    revokedByReuse: number;
    note?: string;
  }[] = [];
  const require = createRequire(import.meta.url);
  const clientModule = pathToFileURL(require.resolve('@bettermode-kit/client').replace(/index\.cjs$/, 'index.js')).href;
  const nodeModule = pathToFileURL(
    require.resolve('@bettermode-kit/client/node').replace(/node\.cjs$/, 'node.js'),
  ).href;
  const redisModule = pathToFileURL(join(repoRoot, 'packages/redis-storage/dist/index.js')).href;
  const processes = 8;
  const expiries = 5;
  for (const storage of ['file', 'redis'] as const) {
    const folder = await mkdtemp(join(tmpdir(), 'bench-shared-'));
    let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    const emulator = await startEmulator({ accessTokenTtlSeconds: 2, refreshReuseGraceSeconds: 0 });
    const workers: SessionWorker[] = [];
    try {
      let storageModule = nodeModule;
      let storageExport = 'fileStorage';
      let storageArgs: unknown[] = [join(folder, 'session.json'), { leaseMs: 3000 }];
      if (storage === 'redis') {
        try {
          redis = await startRedisServer();
        } catch (error) {
          rows.push({
            storage,
            processes,
            expiries,
            operations: 0,
            failures: 0,
            refreshes: 0,
            unauthorized: 0,
            revokedByReuse: 0,
            note: `not measured: ${(error as Error).message}`,
          });
          continue;
        }
        storageModule = redisModule;
        storageExport = 'redisStorage';
        storageArgs = [{ url: redis.url, key: 'bench:session', leaseMs: 3000 }];
      }
      const factories = storage === 'redis' ? await import(redisModule) : await import(nodeModule);
      const first = (factories as Record<string, (...args: unknown[]) => { close?: () => Promise<void> }>)[
        storageExport
      ]?.(...storageArgs);
      const bm = createBettermodeClient({
        endpoint: emulator.url,
        networkDomain: emulator.networkDomain,
        storage: first as never,
      });
      await bm.login(member);
      bm.close();
      await first?.close?.();
      workers.push(
        ...(await Promise.all(
          Array.from({ length: processes }, () =>
            startWorker({ clientModule, storageModule, storageExport, storageArgs, endpoint: emulator.url }),
          ),
        )),
      );
      await sleep(2000);
      emulator.resetStats();
      for (const worker of workers) worker.send('run');
      await sleep(expiries * 2000);
      const reports = await Promise.all(workers.map((worker) => worker.stop()));
      const stats = emulator.stats();
      rows.push({
        storage,
        processes,
        expiries,
        operations: reports.reduce((sum, report) => sum + report.operations.length, 0),
        failures: reports.reduce(
          (sum, report) => sum + report.operations.filter((operation) => operation.error).length,
          0,
        ),
        refreshes: stats.refreshes,
        unauthorized: stats.unauthorized,
        revokedByReuse: stats.revokedByReuse,
      });
      log(`shared session on ${storage}: ${JSON.stringify(rows.at(-1))}`);
    } finally {
      for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
      await emulator.stop();
      await redis?.stop();
      await rm(folder, { recursive: true, force: true });
    }
  }
  return rows;
}

export async function coldStart(emulatorUrl: string) {
  const rows: { client: ClientName; importMs: Spread; toMemberMs: Spread; maxRssKb: number }[] = [];
  for (const client of clients) {
    const runs: { importMs: number; toMemberMs: number; maxRssKb: number }[] = [];
    for (let repetition = 0; repetition < 5; repetition += 1) {
      runs.push(await runJson('time-to-token.mjs', [client, emulatorUrl, 'community.bettermode.io']));
    }
    rows.push({
      client,
      importMs: spread(runs.map((run) => run.importMs)),
      toMemberMs: spread(runs.map((run) => run.toMemberMs)),
      maxRssKb: Math.max(...runs.map((run) => run.maxRssKb)),
    });
  }
  return rows;
}

export async function bundleSizes() {
  const rows: {
    client: ClientName;
    minifiedBytes: number | null;
    gzipBytes: number | null;
    ownMinifiedBytes?: number;
    note?: string;
  }[] = [];
  for (const client of clients) {
    if (client === 'raw-node-http') {
      rows.push({ client, minifiedBytes: null, gzipBytes: null, note: 'Node only' });
      continue;
    }
    const result = await build({
      stdin: {
        contents: `export { loginFlow } from './clients/${client}.mjs';`,
        resolveDir: benchDir,
        sourcefile: 'entry.mjs',
      },
      bundle: true,
      minify: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    // The bytes of bettermode-kit's own packages (client, operations) in the output.
    const inputs = Object.entries(Object.values(result.metafile.outputs)[0]?.inputs ?? {});
    const ownMinifiedBytes = inputs
      .filter(([path]) => /packages\/(client|operations)\//.test(path))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    rows.push({
      client,
      minifiedBytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
      ...(client.startsWith('bettermode-kit') ? { ownMinifiedBytes } : {}),
    });
  }
  return rows;
}

/** The production build of examples/web (vite build), and the share of bettermode-kit's packages in it. */
export async function webBuild() {
  const { stdout, output, code } = await runCommand(
    process.execPath,
    ['scripts/measure-build.mjs'],
    join(repoRoot, 'examples/web'),
  );
  if (code !== 0) throw new Error(`examples/web build failed:\n${output.slice(-2000)}`);
  return JSON.parse(stdout.trim().split('\n').pop() as string) as {
    minified: number;
    gzip: number;
    ownMinified: number;
    ownGzip: number;
  };
}

export async function codegen() {
  const walls: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) {
    const { code, output, wallMs } = await runCommand('pnpm', ['--silent', 'codegen'], repoRoot);
    if (code !== 0) throw new Error(`pnpm codegen failed:\n${output}`);
    walls.push(wallMs);
  }
  const generated = await stat(join(repoRoot, 'packages/operations/src/generated/graphql.ts'));
  const schema = await stat(join(repoRoot, 'schema/bettermode.graphql'));
  return { wallMs: spread(walls), generatedBytes: generated.size, schemaBytes: schema.size };
}

/** The consumer's compiler: TypeScript 5.9 (tsc in JavaScript) and TypeScript 7 (the native tsc). */
export const compilers = {
  'typescript 5.9': 'node_modules/typescript/bin/tsc',
  'typescript 7': 'node_modules/typescript7/bin/tsc',
} as const;

export async function typeCheck() {
  const rows: { target: string; compiler: keyof typeof compilers; wallMs: Spread; errors: number }[] = [];
  for (const [compiler, bin] of Object.entries(compilers) as [keyof typeof compilers, string][]) {
    for (const target of ['empty', 'bettermode-kit', 'official-client']) {
      const walls: number[] = [];
      let errors = 0;
      for (let repetition = 0; repetition < repetitions; repetition += 1) {
        const { output, wallMs } = await runCommand(
          join(benchDir, bin),
          ['--noEmit', '-p', `typecheck/tsconfig.${target}.json`],
          benchDir,
        );
        walls.push(wallMs);
        errors = (output.match(/error TS\d+/g) ?? []).length;
      }
      rows.push({ target, compiler, wallMs: spread(walls), errors });
    }
  }
  return rows;
}

export async function startFixedBodyServer() {
  const child = spawn(process.execPath, [join(benchDir, 'runners/fixed-body-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { url: chunk.toString().trim(), stop: () => child.kill('SIGTERM') };
}

/**
 * Repetitions of the server-side cost, each running every mode once, side by side: the host's
 * noise moves whole runs by a fifth, so each mode is compared with the `direct` run of its own
 * repetition and the median of those ratios is reported.
 */
export const serverSessionRepetitions = 9;
/** Requests per run of the server-side cost: the emulator answers about 400 a second. */
export const serverSessionCounts = { 1: 3000, 32: 6000 } as const;
export const serverSessionModes = ['direct', 'handle', 'proxy'] as const;

/**
 * The server-side CPU of a member's request, from the Request a framework builds to the Response
 * read, through `@bettermode-kit/ssr` (`handle`: cookie read, a client per request; the GraphQL
 * proxy), against a long-lived client's query, in the same run: {@link serverSessionRepetitions}
 * repetitions, round robin across the modes.
 */
export async function serverSessions(emulatorUrl: string) {
  const rows: {
    mode: (typeof serverSessionModes)[number];
    concurrency: number;
    cpuMicrosPerRequest: Spread;
    /** This mode's CPU over `direct`'s in the same repetition, across the repetitions. */
    ratioToDirect: Spread;
    requestsPerSecond: Spread;
    failures: number;
  }[] = [];
  type Run = {
    requestsPerSecond: number;
    cpuMicrosPerRequest: number;
    failures: number;
  };
  for (const concurrency of [1, 32] as const) {
    const runs = new Map<string, Run[]>(serverSessionModes.map((mode) => [mode, []]));
    for (let repetition = 0; repetition < serverSessionRepetitions; repetition += 1) {
      for (let turn = 0; turn < serverSessionModes.length; turn += 1) {
        const mode = serverSessionModes[(turn + repetition) % serverSessionModes.length] as string;
        runs
          .get(mode)
          ?.push(
            await runJson<Run>('measure-server-sessions.mjs', [
              emulatorUrl,
              mode,
              String(concurrency),
              String(serverSessionCounts[concurrency]),
            ]),
          );
      }
    }
    const directRuns = runs.get('direct') ?? [];
    for (const mode of serverSessionModes) {
      const modeRuns = runs.get(mode) ?? [];
      rows.push({
        mode,
        concurrency,
        cpuMicrosPerRequest: spread(modeRuns.map((run) => run.cpuMicrosPerRequest)),
        ratioToDirect: spread(
          modeRuns.map(
            (run, repetition) => run.cpuMicrosPerRequest / (directRuns[repetition]?.cpuMicrosPerRequest ?? 1),
          ),
        ),
        requestsPerSecond: spread(modeRuns.map((run) => run.requestsPerSecond)),
        failures: modeRuns.reduce((sum, run) => sum + run.failures, 0),
      });
      log(
        `server sessions: ${mode} c=${concurrency}: ${round(rows.at(-1)?.cpuMicrosPerRequest.median ?? 0, 0)} µs CPU/request`,
      );
    }
  }
  return rows;
}

export const walkClients = ['bettermode-kit', 'urql-loop', 'official-client'] as const;

/**
 * A walk of a 10,000-post space with `limit` 100, each client in its own process against one
 * emulator (its requests counted there), 3 repetitions round robin.
 */
export async function contentWalk() {
  const emulator = await startEmulator({
    content: { spaces: 1, postsPerSpace: 10_000, repliesPerPost: 0, members: 0 },
  });
  type Run = { posts: number; distinct: number; wallMs: number; peakRssMb: number };
  const runs = new Map<string, (Run & { requests: number })[]>(walkClients.map((client) => [client, []]));
  try {
    for (let repetition = 0; repetition < 3; repetition += 1) {
      for (let turn = 0; turn < walkClients.length; turn += 1) {
        const client = walkClients[(turn + repetition) % walkClients.length] as string;
        emulator.resetStats();
        const run = await runJson<Run>('walk-posts.mjs', [emulator.url, client, 'Spc0000001']);
        runs.get(client)?.push({ ...run, requests: emulator.stats().byField.posts ?? 0 });
      }
    }
  } finally {
    await emulator.stop();
  }
  return walkClients.map((client) => {
    const clientRuns = runs.get(client) ?? [];
    return {
      client,
      posts: Math.min(...clientRuns.map((run) => run.distinct)),
      requests: Math.max(...clientRuns.map((run) => run.requests)),
      wallMs: spread(clientRuns.map((run) => run.wallMs)),
      peakRssMb: spread(clientRuns.map((run) => run.peakRssMb)),
    };
  });
}

/** Everything one run measured: what results.json holds. */
export type Results = {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; platform: string };
  roundTrips: Awaited<ReturnType<typeof roundTrips>> & { acrossExpiry: Awaited<ReturnType<typeof acrossExpiry>> };
  sharedSessions: Awaited<ReturnType<typeof sharedSessions>>;
  costPerRequest: Awaited<ReturnType<typeof costPerRequest>>;
  /** Measured by `pnpm bench` or `pnpm bench --only server-sessions` (then with its own date). */
  serverSessions?: { date: string; rows: Awaited<ReturnType<typeof serverSessions>> };
  contentWalk?: { date: string; rows: Awaited<ReturnType<typeof contentWalk>> };
  coldStart: Awaited<ReturnType<typeof coldStart>>;
  bundle: Awaited<ReturnType<typeof bundleSizes>>;
  webBuild: Awaited<ReturnType<typeof webBuild>>;
  codegen: Awaited<ReturnType<typeof codegen>>;
  typeCheck: Awaited<ReturnType<typeof typeCheck>>;
  durationSeconds: number;
};
