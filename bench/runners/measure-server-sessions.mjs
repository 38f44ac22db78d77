// Child process: the server-side CPU of one member's request, `count` times with `concurrency` in
// flight, after a warm-up. Every mode serves a request built when it is sent, with the headers a
// browser sends, and answers a Response, as a fetch-standard server does:
// `direct` (a page's GET, answered from a long-lived client's query),
// `handle` (the same GET through @bettermode-kit/ssr: cookie read, a client per request, the
// query), or `proxy` (the browser's POST to the GraphQL endpoint, the same AuthMember operation
// as text). Building the request is the framework's cost and is in every mode alike: measured
// alone it looks cheap, but in a running server it costs several times more (its streams, signal
// and headers outlive the young generation), so nothing is taken off.
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
let close;
const sessions = createSessionCookies({ endpoint, networkDomain });
// The member's session cookie as the browser sends it after a login through the app; in every
// mode, so that `direct` and `handle` are sent the very same request (`direct` ignores it).
const login = await sessions.login(new Request('http://app.example/login', { method: 'POST' }), credentials);
const cookie = login.headers
  .getSetCookie()
  .map((line) => line.split(';')[0])
  .join('; ');
// The headers a browser sends with a page's GET.
const pageHeaders = {
  host: 'app.example',
  cookie,
  accept: 'text/html',
  'sec-fetch-site': 'none',
  'sec-fetch-mode': 'navigate',
};
const pageRequest = () => new Request('http://app.example/', { headers: pageHeaders });
if (mode === 'direct') {
  const bm = createBettermodeClient({ endpoint, networkDomain });
  await bm.login(credentials);
  // A page of an app holding one long-lived client.
  run = async () => {
    pageRequest();
    return Response.json({ data: await bm.query(AuthMemberDocument, {}) }).text();
  };
  close = async () => {
    await bm.close();
    await sessions.close();
  };
} else if (mode === 'handle') {
  run = async () =>
    (
      await sessions.handle(pageRequest(), async (bm) =>
        Response.json({ data: await bm.query(AuthMemberDocument, {}) }),
      )
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
  run = async () => (await proxy(new Request('http://app.example/graphql', { method: 'POST', headers, body }))).text();
}
close ??= () => sessions.close();

async function drive(total) {
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      try {
        const text = await run();
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
await close();
console.log(
  JSON.stringify({
    requestsPerSecond: (count / elapsedMs) * 1000,
    cpuMicrosPerRequest: cpuMicros / count,
    failures,
  }),
);
process.exit(0);
