// pnpm bench: measures, in one run, the auth round trips, the cost per request, the cold start,
// the bundle size, codegen, the consumer type-check and the peak memory of bettermode-kit and of
// the clients users would pick instead. Writes results.json and RESULTS.md; never part of the tests.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@bettermode-kit/emulator';
import {
  acrossExpiry,
  benchDir,
  bundleSizes,
  codegen,
  coldStart,
  contentWalk,
  costPerRequest,
  log,
  round,
  roundTrips,
  serverSessions,
  sharedSessions,
  startFixedBodyServer,
  typeCheck,
  webBuild,
  type Results,
} from './measure';
import { renderMarkdown } from './render-results';

/** `pnpm bench --only server-sessions|content-walk`: measures that section again into the last results. */
async function only(section: string) {
  if (section !== 'server-sessions' && section !== 'content-walk')
    throw new Error(`--only takes server-sessions or content-walk, not ${section}`);
  const results = JSON.parse(await readFile(join(benchDir, 'results.json'), 'utf8')) as Results;
  if (section === 'content-walk') {
    log('content walk ...');
    results.contentWalk = { date: new Date().toISOString(), rows: await contentWalk() };
  } else {
    const emulator = await startEmulator();
    try {
      log('server sessions ...');
      results.serverSessions = { date: new Date().toISOString(), rows: await serverSessions(emulator.url) };
    } finally {
      await emulator.stop();
    }
  }
  await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = renderMarkdown(results);
  await writeFile(join(benchDir, 'RESULTS.md'), markdown);
  process.stdout.write(markdown);
}

async function main() {
  const onlyAt = process.argv.indexOf('--only');
  if (onlyAt >= 0) return only(process.argv[onlyAt + 1] ?? '');
  const started = performance.now();
  log('round trips ...');
  const trips = await roundTrips();
  const expiry = await acrossExpiry();

  const emulator = await startEmulator();
  const fixed = await startFixedBodyServer();
  try {
    const loginAnswer = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ tokens(networkDomain: "community.bettermode.io") { accessToken } }' }),
    });
    const guest = ((await loginAnswer.json()) as { data: { tokens: { accessToken: string } } }).data.tokens.accessToken;
    const memberAnswer = await fetch(emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guest}` },
      body: JSON.stringify({
        query:
          'mutation { loginNetwork(input: { usernameOrEmail: "bettermodeuser", password: "bettermodepassword" }) { accessToken } }',
      }),
    });
    const memberToken = ((await memberAnswer.json()) as { data: { loginNetwork: { accessToken: string } } }).data
      .loginNetwork.accessToken;

    log('cost per request ...');
    const cost = await costPerRequest(emulator.url, memberToken, fixed.url);
    log('server sessions ...');
    const server = { date: new Date().toISOString(), rows: await serverSessions(emulator.url) };
    log('content walk ...');
    const walk = { date: new Date().toISOString(), rows: await contentWalk() };
    log('cold start ...');
    const cold = await coldStart(emulator.url);
    log('bundle size, codegen, type-check ...');
    const sizes = await bundleSizes();
    const web = await webBuild();
    const generation = await codegen();
    const types = await typeCheck();
    log('shared sessions ...');
    const shared = await sharedSessions();

    const results: Results = {
      date: new Date().toISOString(),
      command: 'pnpm bench',
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: round(totalmem() / 2 ** 30, 0),
        node: process.version,
        platform: process.platform,
      },
      roundTrips: { ...trips, acrossExpiry: expiry },
      sharedSessions: shared,
      costPerRequest: cost,
      serverSessions: server,
      contentWalk: walk,
      coldStart: cold,
      bundle: sizes,
      webBuild: web,
      codegen: generation,
      typeCheck: types,
      durationSeconds: round((performance.now() - started) / 1000, 0),
    };
    await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderMarkdown(results);
    await writeFile(join(benchDir, 'RESULTS.md'), markdown);
    process.stdout.write(markdown);
  } finally {
    fixed.stop();
    await emulator.stop();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
