// Child process: sends `count` distinct AuthMember requests through one client with `concurrency`
// in flight, after a warm-up, and prints requests/s, mean latency and peak RSS as JSON.
import { peakRssKb } from './peak-rss.mjs';

const [clientName, endpoint, networkDomain, token, concurrencyText, countText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const count = Number(countText);
const { createRequester } = await import(`../clients/${clientName}.mjs`);
const requester = await createRequester({
  endpoint,
  networkDomain,
  token,
  usernameOrEmail: 'bettermodeuser',
  password: 'bettermodepassword',
});

async function drive(total, offset) {
  let next = 0;
  let failures = 0;
  let latencySum = 0;
  const worker = async () => {
    while (next < total) {
      const index = offset + next++;
      const started = performance.now();
      try {
        await requester.request(index);
      } catch {
        failures += 1;
      }
      latencySum += performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { elapsedMs: performance.now() - started, failures, meanLatencyMs: latencySum / total };
}

// A warm-up a fifth of the run (at least 100): the JIT of every client has settled before timing.
await drive(Math.max(100, Math.round(count / 5)), 0);
const cpuBefore = process.cpuUsage();
const { elapsedMs, failures, meanLatencyMs } = await drive(count, 1_000_000);
const cpu = process.cpuUsage(cpuBefore);
requester.close();
// The client's own CPU (user + system) per request; the server runs in another process.
const cpuMicrosPerRequest = (cpu.user + cpu.system) / count;
console.log(
  JSON.stringify({
    requestsPerSecond: (count / elapsedMs) * 1000,
    meanLatencyMs,
    cpuMicrosPerRequest,
    failures,
    maxRssKb: peakRssKb(),
  }),
);
process.exit(0);
