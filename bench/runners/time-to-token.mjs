// Child process: from process start to a member token (guest token, login, one query), and the
// time the client module took to import. performance.now() counts from the process start.
import { peakRssKb } from './peak-rss.mjs';

const [clientName, endpoint, networkDomain] = process.argv.slice(2);
const importStarted = performance.now();
const { loginFlow } = await import(`../clients/${clientName}.mjs`);
const importMs = performance.now() - importStarted;
const name = await loginFlow({
  endpoint,
  networkDomain,
  usernameOrEmail: 'bettermodeuser',
  password: 'bettermodepassword',
});
if (name !== 'John Smith') throw new Error(`unexpected member ${name}`);
console.log(JSON.stringify({ importMs, toMemberMs: performance.now(), maxRssKb: peakRssKb() }));
process.exit(0);
