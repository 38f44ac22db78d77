// Child process: the server-side CPU of one member's request, `count` times with `concurrency` in
// flight, after a warm-up: `direct` (a long-lived client's query, answered as a Response, as a
// fetch-standard server answers),
// `handle` (@bettermode-kit/ssr: cookie read, a client per request, the query, the Response), or
// `proxy` (the browser's GraphQL endpoint, sent the same AuthMember operation as text, with the
// headers a browser sends). A proxy request is built when it is sent, so it lives as long as a
// server's would (built all up front, thousands of them outlive the young generation and their
// collection is measured instead); what building them costs is measured alone in the same process
// and taken off: a framework builds them whatever the library.
// The warm-up is long enough for the JIT to settle (its compiler threads count in cpuUsage): a
// server's steady state is what is measured. Prints JSON.
import { createBettermodeClient } from '@bettermode-kit/client';
import { AuthMemberDocument, AuthMemberSource } from '@bettermode-kit/operations';
import { createSessionCookies } from '@bettermode-kit/ssr';

const [endpoint, mode, concurrencyText, countText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const count = Number(countText);
const warmUp = 2000;
const networkDomain = 'community.bettermode.io';
const credentials = { usernameOrEmail: 'bettermodeuser', password: 'bettermodepassword' };

let run;
/** What building the request alone costs (the proxy's), taken off its measure. */
let building;
let close;
if (mode === 'direct') {
  const bm = createBettermodeClient({ endpoint, networkDomain });
  await bm.login(credentials);
  run = async () => Response.json({ data: await bm.query(AuthMemberDocument, {}) }).text();
  close = () => bm.close();
} else {
  const sessions = createSessionCookies({ endpoint, networkDomain });
  const login = await sessions.login(new Request('http://app.example/login', { method: 'POST' }), credentials);
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  close = () => sessions.close();
  if (mode === 'handle') {
    const request = new Request('http://app.example/', { headers: { cookie } });
    run = async () =>
      (
        await sessions.handle(request, async (bm) => Response.json({ data: await bm.query(AuthMemberDocument, {}) }))
      ).text();
  } else {
    const proxy = sessions.graphqlProxy();
    const body = JSON.stringify({ query: AuthMemberSource, operationName: 'AuthMember' });
    // The headers a browser's fetch sends with such a POST, as a server adapter hands them on.
    const headers = {
      host: 'app.example',
      cookie,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      origin: 'http://app.example',
      'sec-fetch-site': 'same-origin',
    };
    const request = () => new Request('http://app.example/graphql', { method: 'POST', headers, body });
    run = async () => (await proxy(request())).text();
    building = async () => {
      request();
      return '"username"';
    };
  }
}

async function drive(total, work = run) {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      try {
        const text = await work(index);
        if (!text.includes('"username"')) failures += 1;
      } catch {
        failures += 1;
      }
    }
  };
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { elapsedMs: performance.now() - started, failures, cpuMicros: cpu.user + cpu.system };
}

await drive(warmUp);
const { elapsedMs, failures, cpuMicros } = await drive(count);
let buildMicros = 0;
if (building) {
  await drive(warmUp, building);
  buildMicros = (await drive(count, building)).cpuMicros;
}
await close();
console.log(
  JSON.stringify({
    requestsPerSecond: (count / elapsedMs) * 1000,
    cpuMicrosPerRequest: (cpuMicros - buildMicros) / count,
    buildMicrosPerRequest: buildMicros / count,
    failures,
  }),
);
process.exit(0);
