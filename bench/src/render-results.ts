// RESULTS.md from one run's results: the targets, then a table per measurement.
import { requestCounts, round, serverSessionCounts, serverSessionRepetitions, type Results } from './measure';

function targetRows(results: Results): string[] {
  const row = (server: string, concurrency: number, client: string) =>
    results.costPerRequest.find(
      (each) => each.server === server && each.concurrency === concurrency && each.client === client,
    );
  const rps = (server: string, concurrency: number, client: string) =>
    row(server, concurrency, client)?.requestsPerSecond.median ?? 0;
  const yes = (met: boolean) => (met ? 'yes' : 'no');
  const ratio = (value: number) => round(value, 2);
  const kit = (server: string, concurrency: number) => rps(server, concurrency, 'bettermode-kit');
  const official = (server: string, concurrency: number) => rps(server, concurrency, 'official-client');
  const fixedVsOfficial = kit('fixed-body', 32) / official('fixed-body', 32);
  const fixedVsRaw = kit('fixed-body', 32) / rps('fixed-body', 32, 'raw-node-http');
  const cpu = row('fixed-body', 32, 'bettermode-kit')?.cpuMicrosPerRequest.median ?? Infinity;
  const cpuOfficial = row('fixed-body', 32, 'official-client')?.cpuMicrosPerRequest.median ?? Infinity;
  const bundle = results.bundle.find((each) => each.client === 'bettermode-kit');
  const gzip = bundle?.gzipBytes ?? Infinity;
  const ownShare = (bundle?.ownMinifiedBytes ?? 0) / (bundle?.minifiedBytes ?? 1);
  const importMs = (client: string) =>
    results.coldStart.find((each) => each.client === client)?.importMs.median ?? Infinity;
  const importRatio = importMs('bettermode-kit') / importMs('urql-exchange-auth');
  const check = results.typeCheck.find(
    (each) => each.target === 'bettermode-kit' && each.compiler === 'typescript 5.9',
  );
  const native = results.typeCheck.find((each) => each.target === 'bettermode-kit' && each.compiler === 'typescript 7');
  return [
    `| req/s, fixed-body server, c=32 | >= 1.2x official client, >= 0.6x raw node:http | ${round(kit('fixed-body', 32), 0)}: ${ratio(fixedVsOfficial)}x official, ${ratio(fixedVsRaw)}x raw node:http (the ceiling) | ${yes(fixedVsOfficial >= 1.2 && fixedVsRaw >= 0.6)} |`,
    `| req/s, fixed-body server, c=1 | >= official client | ${round(kit('fixed-body', 1), 0)}: ${ratio(kit('fixed-body', 1) / official('fixed-body', 1))}x | ${yes(kit('fixed-body', 1) >= official('fixed-body', 1))} |`,
    `| req/s, emulator, c=1 and c=32 | >= official client | ${ratio(kit('emulator', 1) / official('emulator', 1))}x and ${ratio(kit('emulator', 32) / official('emulator', 32))}x | ${yes(kit('emulator', 1) >= official('emulator', 1) && kit('emulator', 32) >= official('emulator', 32))} |`,
    `| client CPU per request, c=32 | <= 150 µs | ${round(cpu, 0)} µs (official client ${round(cpuOfficial, 0)} µs) | ${yes(cpu <= 150)} |`,
    `| browser bundle of the login flow | <= 12 KB gzipped | ${round(gzip / 1024)} KB; our own code and documents ${round(ownShare * 100, 0)}% of it | ${yes(gzip <= 12 * 1024)} |`,
    `| import of the client | <= 1.3x bare urql + exchange-auth | ${round(importMs('bettermode-kit'))} ms: ${ratio(importRatio)}x | ${yes(importRatio <= 1.3)} |`,
    `| strict consumer type-check | 0 errors, <= 1 s | TypeScript 5.9: ${check?.errors} errors, ${round((check?.wallMs.median ?? 0) / 1000, 2)} s; TypeScript 7: ${native?.errors} errors, ${round((native?.wallMs.median ?? 0) / 1000, 2)} s | ${yes(check?.errors === 0 && (check?.wallMs.median ?? Infinity) <= 1000)} with 5.9; ${yes(native?.errors === 0 && (native?.wallMs.median ?? Infinity) <= 1000)} with 7 |`,
  ];
}

export function renderMarkdown(results: Results): string {
  const lines: string[] = [];
  const { machine } = results;
  lines.push(
    '# Benchmark results',
    '',
    `${results.date.slice(0, 10)}, \`${results.command}\` (${results.durationSeconds} s), on ${machine.cores} cores of ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}.`,
    "Medians of the repetitions (5 for the cost per request, run round robin across the clients after an untimed run that warms the server; 3 elsewhere), with min-max; in the cost tables, ratios are to raw `node:http` measured in the same run: a keep-alive agent sized like the client's, each body prefix serialized once, no client library at all. That is the ceiling a client built on `node:http` (as ours is on Node) can approach, not beat. Client CPU is `process.cpuUsage()` of the client process over the timed requests, divided by their number; the servers run in other processes.",
    '',
    '## Targets',
    '',
    '| target | goal | bettermode-kit | met |',
    '| --- | --- | --- | --- |',
    ...targetRows(results),
    '',
    '## Auth round trips (counted by the emulator)',
    '',
    '| scenario | result |',
    '| --- | --- |',
    `| cold client, 100 concurrent AuthMember | ${results.roundTrips.concurrentColdTokens} tokens request(s) |`,
    `| cold guest -> login | ${results.roundTrips.guestToMemberRequests} HTTP requests |`,
    `| restart with fileStorage | ${results.roundTrips.restartTokens} tokens requests |`,
    `| token TTL 3 s, ${results.roundTrips.acrossExpiry.operations} operations in waves of 100 across expiry | ${results.roundTrips.acrossExpiry.failed} failed, ${results.roundTrips.acrossExpiry.refreshRequests} refresh requests, ${results.roundTrips.acrossExpiry.unauthorized} refused |`,
    '',
    '## One session shared by many processes (counted by the emulator, reuse grace off)',
    '',
    '| storage | processes | expiries of a 2 s token | operations | failed | refreshes | Unauthorized | revoked by reuse |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.sharedSessions.map((row) =>
      row.note
        ? `| ${row.storage} | ${row.note} | | | | | | |`
        : `| ${row.storage} | ${row.processes} | ${row.expiries} | ${row.operations} | ${row.failures} | ${row.refreshes} | ${row.unauthorized} | ${row.revokedByReuse} |`,
    ),
    '',
    '## Cost per request (distinct AuthMember requests)',
    '',
  );
  for (const server of ['fixed-body', 'emulator']) {
    for (const concurrency of [1, 32]) {
      const rows = results.costPerRequest.filter((row) => row.server === server && row.concurrency === concurrency);
      const baseline = rows.find((row) => row.client === 'raw-node-http')?.requestsPerSecond.median ?? 1;
      const count = requestCounts[server as keyof typeof requestCounts][concurrency as 1 | 32];
      lines.push(
        `### ${server} server, concurrency ${concurrency} (${count} requests)`,
        '',
        '| client | req/s (min-max) | x raw node:http | client CPU µs/request | mean latency ms | peak RSS MB | failures |',
        '| --- | --- | --- | --- | --- | --- | --- |',
      );
      for (const row of rows) {
        const rps = row.requestsPerSecond;
        lines.push(
          `| ${row.client} | ${round(rps.median, 0)} (${round(rps.min, 0)}-${round(rps.max, 0)}) | ${round(rps.median / baseline, 2)} | ${round(row.cpuMicrosPerRequest.median, 0)} | ${round(row.meanLatencyMs.median, 2)} | ${round(row.maxRssKb / 1024, 0)} | ${row.failures} |`,
        );
      }
      lines.push('');
    }
  }
  const server = results.serverSessions;
  if (server) {
    lines.push(
      '## Server-held sessions (@bettermode-kit/ssr), server-side CPU per request',
      '',
      `${server.date.slice(0, 10)}. One member's request on the app's server, from the \`Request\` a framework builds (when it is sent, with the headers a browser sends, the member's cookie among them) to the \`Response\` read: \`direct\` is a page's GET answered from a long-lived client's AuthMember query; \`handle\` is the same GET through \`handle\`: it reads the cookie, makes a client on that session (no refresh due), runs the same query and returns a Response; \`proxy\` is the browser's POST to the GraphQL endpoint with the same operation as text (guards, body read, parse, forward). Building the request is in every mode and nothing is taken off: a GET built alone costs about 10 µs, but building it in a running server added 28 to 30 µs to \`direct\`, so a cost measured alone and taken off would charge the rest to the library. Each repetition runs every mode once, side by side; \`x direct\` is the median over the ${serverSessionRepetitions} repetitions of a mode's CPU over the \`direct\` run of the same repetition (the host's noise moves whole runs by a fifth), and \`+µs\` the difference of the medians. CPU is \`process.cpuUsage()\` of the app's process after a 2000-request warm-up (the JIT's compiler threads count in it: a server's steady state is measured); the emulator runs in another. Target: handle and proxy at most 1.2x direct.`,
      '',
      '| mode | concurrency (requests) | CPU µs/request (min-max) | x direct, same repetition (min-max) | +µs (medians) | req/s | failures |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const row of server.rows) {
      const direct =
        server.rows.find((each) => each.mode === 'direct' && each.concurrency === row.concurrency)?.cpuMicrosPerRequest
          .median ?? 1;
      const cpu = row.cpuMicrosPerRequest;
      const ratio = row.ratioToDirect;
      const ratioText =
        row.mode === 'direct' ? '1' : `${round(ratio.median, 2)} (${round(ratio.min, 2)}-${round(ratio.max, 2)})`;
      lines.push(
        `| ${row.mode} | ${row.concurrency} (${serverSessionCounts[row.concurrency as 1 | 32]}) | ${round(cpu.median, 0)} (${round(cpu.min, 0)}-${round(cpu.max, 0)}) | ${ratioText} | ${round(cpu.median - direct, 0)} | ${round(row.requestsPerSecond.median, 0)} | ${row.failures} |`,
      );
    }
    lines.push('');
  }
  const walk = results.contentWalk;
  if (walk) {
    const ours = walk.rows.find((row) => row.client === 'bettermode-kit');
    lines.push(
      '## Walking a space of 10,000 posts (limit 100)',
      '',
      `${walk.date.slice(0, 10)}. Each client in its own process, as a guest, against one emulator (requests counted there), 3 runs round robin. \`bettermode-kit\` is \`paginate(bm, SpacePostsDocument, …)\`; \`urql-loop\` a hand-written loop on @urql/core (fetchExchange); \`official-client\` a hand-written loop on @tribeplatform/gql-client's GraphqlClient with the same query (its \`posts.list\` selects fields and an argument this schema lacks, so the emulator refuses it).`,
      '',
      '| client | posts read | requests | wall ms (min-max) | x bettermode-kit | peak RSS MB (min-max) |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const row of walk.rows)
      lines.push(
        `| ${row.client} | ${row.posts} | ${row.requests} | ${round(row.wallMs.median, 0)} (${round(row.wallMs.min, 0)}-${round(row.wallMs.max, 0)}) | ${round(row.wallMs.median / (ours?.wallMs.median ?? 1), 2)} | ${round(row.peakRssMb.median, 0)} (${round(row.peakRssMb.min, 0)}-${round(row.peakRssMb.max, 0)}) |`,
      );
    lines.push('');
  }
  lines.push(
    '## Cold start (5 runs)',
    '',
    '| client | import ms (min-max) | process start -> member token ms | peak RSS MB |',
    '| --- | --- | --- | --- |',
  );
  for (const row of results.coldStart) {
    lines.push(
      `| ${row.client} | ${round(row.importMs.median)} (${round(row.importMs.min)}-${round(row.importMs.max)}) | ${round(row.toMemberMs.median, 0)} | ${round(row.maxRssKb / 1024, 0)} |`,
    );
  }
  lines.push(
    '',
    '## Browser bundle of the login flow (esbuild, minified)',
    '',
    '| client | minified KB | gzipped KB | bettermode-kit code and documents, minified KB |',
    '| --- | --- | --- | --- |',
  );
  for (const row of results.bundle) {
    lines.push(
      `| ${row.client} | ${row.minifiedBytes === null ? row.note : round(row.minifiedBytes / 1024)} | ${row.gzipBytes === null ? row.note : round(row.gzipBytes / 1024)} | ${row.ownMinifiedBytes === undefined ? '' : round(row.ownMinifiedBytes / 1024)} |`,
    );
  }
  const web = results.webBuild;
  lines.push(
    '',
    '## A real app: the production build of examples/web (Vite, React, urql)',
    '',
    '| | minified KB | gzipped KB |',
    '| --- | --- | --- |',
    `| the whole app | ${round(web.minified / 1024)} | ${round(web.gzip / 1024)} |`,
    `| bettermode-kit's packages in it (client, operations), minified on their own | ${round(web.ownMinified / 1024)} (${round((web.ownMinified / web.minified) * 100, 0)}%) | ${round(web.ownGzip / 1024)} |`,
  );
  lines.push(
    '',
    '## Codegen and type-check',
    '',
    `\`pnpm codegen\` on the full schema (${round(results.codegen.schemaBytes / 1024, 0)} KB): ${round(results.codegen.wallMs.median / 1000, 2)} s (${round(results.codegen.wallMs.min / 1000, 2)}-${round(results.codegen.wallMs.max / 1000, 2)}); generated ${results.codegen.generatedBytes} bytes.`,
    '',
    '| strict consumer (skipLibCheck false) | compiler | tsc --noEmit s (min-max) | errors |',
    '| --- | --- | --- | --- |',
  );
  for (const row of results.typeCheck) {
    lines.push(
      `| ${row.target === 'empty' ? 'empty file (tsc baseline)' : row.target} | ${row.compiler} | ${round(row.wallMs.median / 1000, 2)} (${round(row.wallMs.min / 1000, 2)}-${round(row.wallMs.max / 1000, 2)}) | ${row.errors} |`,
    );
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
