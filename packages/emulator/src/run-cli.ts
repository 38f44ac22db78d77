import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator, type Emulator, type EmulatorOptions } from './start-emulator';
import { withoutUrlCredentials } from '@bettermode-kit/internal';

const usage = `Usage: bettermode-emulator [options]

Serves a local GraphQL endpoint that answers like Bettermode's auth API.

Options:
  --port N              port to listen on (default 4000; 0 picks a free one)
  --host HOST           address to bind (default 127.0.0.1)
  --network-domain D    community address guests ask tokens for (default community.bettermode.io)
  --token-ttl S         access token lifetime in seconds (default 3600)
  --refresh-ttl S       refresh token lifetime in seconds (default 2592000)
  --latency-ms N        delay before each answer (default 0)
  --reuse-grace S       seconds a just-spent refresh token is answered again (default 30)
  --rate-limit N        requests per 10 s and token; over it, HTTP 429 with Retry-After (default: none)
  --webhook URL         send signed webhooks there (the URL challenge at start, then events)
  --webhook-secret S    the signing secret for --webhook
  --schema FILE         serve another schema version (SDL)
  -h, --help            show this help`;

/** Where the CLI writes; the process streams unless a test passes its own. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Parses the command line and starts an emulator, or prints usage. Returns the running
 * emulator (null after --help); a bad option throws with the reason.
 */
export async function runCli(argv: readonly string[], output: CliOutput): Promise<Emulator | null> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'network-domain': { type: 'string' },
      'token-ttl': { type: 'string' },
      'refresh-ttl': { type: 'string' },
      'latency-ms': { type: 'string' },
      'reuse-grace': { type: 'string' },
      'rate-limit': { type: 'string' },
      webhook: { type: 'string' },
      'webhook-secret': { type: 'string' },
      schema: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    output.out(usage);
    return null;
  }
  const options: EmulatorOptions = {
    port: toNumber('--port', values.port ?? '4000'),
    host: values.host,
    networkDomain: values['network-domain'],
    accessTokenTtlSeconds: toNumber('--token-ttl', values['token-ttl']),
    refreshTokenTtlSeconds: toNumber('--refresh-ttl', values['refresh-ttl']),
    latencyMs: toNumber('--latency-ms', values['latency-ms']),
    refreshReuseGraceSeconds: toNumber('--reuse-grace', values['reuse-grace']),
    ...(values['rate-limit'] === undefined
      ? {}
      : { rateLimit: { requestsPer10s: toNumber('--rate-limit', values['rate-limit']) as number } }),
    // Relative to where the user ran the command: pnpm runs `--filter … exec` in the package folder
    // and says where it was called from in INIT_CWD.
    schemaFile: values.schema === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), values.schema),
  };
  if (values.webhook !== undefined) {
    const secret = values['webhook-secret'];
    if (!secret) throw new Error('--webhook needs --webhook-secret');
    options.webhooks = [{ url: values.webhook, secret }];
  }
  const emulator = await startEmulator(options);
  output.out(`Bettermode emulator listening on ${emulator.url}`);
  output.out(
    `network: ${emulator.networkDomain}; member: bettermodeuser / bettermodepassword (Bettermode's access-token document)`,
  );
  output.out('app: emulator-app / emulator-app-secret (limitedToken with HTTP Basic credentials)');
  for (const result of emulator.webhooks.challenges) {
    output.out(
      `webhook ${withoutUrlCredentials(result.url)}: URL challenge ${result.passed ? 'passed' : `failed (${result.reason})`}`,
    );
  }
  output.out(`stats: ${emulator.url.replace(/\/graphql$/, '/__emulator/stats')}`);
  return emulator;
}

function toNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new Error(`${flag} takes a number, got "${value}"`);
  return number;
}
