// The bettermode-kit bin: codegen and the schema commands for apps, the same as at the kit's root.
import { CodegenContext } from '@graphql-codegen/cli';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema, print } from 'graphql';
import { bettermodeCodegen, bettermodeSchemaPath } from './bettermode-codegen';
import { runCodegen } from './run-codegen';
import { introspectSchema } from './schema/introspect-schema';
import { collectOperationUsage } from './schema/operation-usage';
import { printSortedSchema } from './schema/print-sorted-schema';
import { breaksOperations, compareSchemas, formatReport } from './schema/schema-report';
import { SchemaToolError } from './schema/schema-tool-error';
import { printable, withoutUrlCredentials } from '@bettermode-kit/internal';
import { writeFileAtomically } from './schema/write-file-atomically';
import type { CliIo } from './auth/auth-commands';
import { CliError } from './auth/cli-error';

const usage = `Usage:
  bettermode-kit auth login [--network DOMAIN] [--endpoint URL] [--username NAME] [--password-stdin] [--insecure-storage]
  bettermode-kit auth status [--json] | auth token | auth switch --username NAME [--network D] | auth logout
  bettermode-kit api QUERY|@file.graphql [-F name=value ...] [--paginate] [--path a.b] [--guest | --token T] [--network D]
  bettermode-kit codegen [--config codegen.ts]
  bettermode-kit codegen --documents GLOB --output-dir DIR [--schema FILE]
  bettermode-kit schema pull [--endpoint URL] [--network-domain D] [--out FILE] [--timeout-ms MS]
  bettermode-kit schema check --documents GLOB (--against FILE | --endpoint URL [--network-domain D]) [--schema FILE] [--json] [--timeout-ms MS]

codegen: typed documents for your operations (with --documents, no config file needed).
schema pull: Bettermode's schema, introspected (with a guest token) and written sorted.
schema check: what changed between the schema you generate against (--schema, default the kit's)
  and a newer one, and which of your operations each change touches; exit 1 when a breaking
  change touches one.
--timeout-ms: how long each request to the endpoint may take, its answer included (default 30000).
auth: member sessions for scripts (one active per community); only auth token prints a token.
api: one operation as the active member (or --guest), its JSON printed; --paginate walks the
  connection, one request per page, and prints one document with every node.
Exit codes: 0 done, 1 codegen failed, a breaking change touches your operations, or the API
answered an error; 2 anything else (a usage error, an endpoint that cannot be reached, is too
slow or does not answer with a schema); 3 not logged in.`;

/** Runs a command; resolves to the exit code. `out` prints a line. */
export async function runBettermodeKit(
  argv: readonly string[],
  cwd: string,
  out: (line: string) => void,
  io: Omit<CliIo, 'cwd' | 'out'> = {
    env: process.env,
    err: (line) => process.stderr.write(`${line}\n`),
    stdin: process.stdin,
  },
): Promise<number> {
  const [command, subcommand, ...rest] = argv;
  if (command === 'auth' || command === 'api') {
    const { values, positionals } = parseArgs({
      args: command === 'auth' ? rest : argv.slice(1),
      strict: true,
      allowPositionals: command === 'api',
      options: {
        endpoint: { type: 'string' },
        network: { type: 'string' },
        username: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'insecure-storage': { type: 'boolean' },
        json: { type: 'boolean' },
        paginate: { type: 'boolean' },
        path: { type: 'string' },
        guest: { type: 'boolean' },
        field: { type: 'string', short: 'F', multiple: true },
        token: { type: 'string' },
      },
    });
    const context = { ...io, cwd, out };
    // Loaded only for these commands: codegen and schema work without the client (the kit's own
    // `pnpm codegen` runs before anything is built).
    const { runApi, runAuth } = await import('./auth/auth-commands');
    return command === 'auth' ? runAuth(subcommand, values, context) : runApi(positionals[0], values, context);
  }
  const args =
    command === 'schema' ? rest : [subcommand, ...rest].filter((value): value is string => value !== undefined);
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      config: { type: 'string' },
      documents: { type: 'string', multiple: true },
      'output-dir': { type: 'string' },
      schema: { type: 'string' },
      endpoint: { type: 'string' },
      'network-domain': { type: 'string' },
      out: { type: 'string' },
      against: { type: 'string' },
      json: { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new SchemaToolError('--timeout-ms takes a whole number of milliseconds above 0');
  if (values.help || !command) {
    out(usage);
    return command ? 0 : 2;
  }
  if (command === 'codegen') {
    const documents = values.documents;
    let run;
    if (documents) {
      if (!values['output-dir']) throw new SchemaToolError('--documents needs --output-dir');
      run = await runCodegen({
        cwd,
        config: bettermodeCodegen({
          documents,
          outputDir: values['output-dir'],
          ...(values.schema ? { schema: values.schema } : {}),
        }),
      });
    } else {
      const configFile = values.config ?? 'codegen.ts';
      if (!existsSync(resolve(cwd, configFile)))
        throw new SchemaToolError(
          `No ${configFile} here: write one with bettermodeCodegen(), or pass --documents and --output-dir`,
        );
      run = await runCodegen({ cwd, configFile });
    }
    for (const line of run.lines) out(line);
    return run.ok ? 0 : 1;
  }
  if (command === 'schema' && subcommand === 'pull') {
    const endpoint = values.endpoint ?? 'https://api.bettermode.com';
    const target = resolve(cwd, values.out ?? 'schema/bettermode.graphql');
    const sdl = printSortedSchema(
      await introspectSchema({
        endpoint,
        ...(values['network-domain'] ? { networkDomain: values['network-domain'] } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    );
    await writeFileAtomically(target, sdl);
    out(`Wrote ${relative(cwd, target)} (${sdl.length} bytes) from ${withoutUrlCredentials(endpoint)}.`);
    return 0;
  }
  if (command === 'schema' && subcommand === 'check') {
    if (!values.documents)
      throw new SchemaToolError('schema check needs --documents GLOB: the operations to judge the changes against');
    if (!values.against === !values.endpoint)
      throw new SchemaToolError('Give --against FILE or --endpoint URL (one of them)');
    const before = buildSchema(await readFile(resolve(cwd, values.schema ?? bettermodeSchemaPath()), 'utf8'));
    // Like with like: an introspected schema is printed and built again, as the file is.
    const after = buildSchema(
      values.endpoint
        ? printSortedSchema(
            await introspectSchema({
              endpoint: values.endpoint,
              ...(values['network-domain'] ? { networkDomain: values['network-domain'] } : {}),
              ...(timeoutMs ? { timeoutMs } : {}),
            }),
          )
        : await readFile(resolve(cwd, values.against as string), 'utf8'),
    );
    // Codegen's own loader: .graphql files, and operations inside .ts files, found from the app's folder.
    const previous = process.cwd();
    process.chdir(cwd);
    let loaded;
    try {
      const context = new CodegenContext({
        config: { schema: [], documents: values.documents, generates: {} },
        filepath: resolve(cwd, 'codegen.ts'),
      });
      loaded = await context.loadDocuments(values.documents, 'standard');
    } finally {
      process.chdir(previous);
    }
    const files = new Map(
      loaded.map((file) => [
        relative(cwd, file.location ?? '')
          .split('\\')
          .join('/'),
        file.rawSDL ?? (file.document ? print(file.document) : ''),
      ]),
    );
    const changes = await compareSchemas(before, after, collectOperationUsage(before, files));
    out(
      values.json
        ? JSON.stringify({ changes, breaksOperations: breaksOperations(changes) }, null, 2)
        : formatReport(changes, 'fix those operations, then bettermode-kit codegen').trimEnd(),
    );
    return breaksOperations(changes) ? 1 : 0;
  }
  throw new SchemaToolError(`Unknown command "${argv.join(' ')}"\n${usage}`);
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('/bettermode-kit.js') ||
  process.argv[1]?.endsWith('/bettermode-kit')
) {
  runBettermodeKit(process.argv.slice(2), process.cwd(), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Whatever was thrown, one line and exit 2: exit 1 means a failed codegen or a breaking change.
      const code = (error as { code?: unknown } | null)?.code;
      const known =
        error instanceof SchemaToolError ||
        error instanceof CliError ||
        code === 'CANCELLED' ||
        (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
      const message = known
        ? (error as Error).message
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
      // Control characters go (a server's text may carry escape sequences); the lines of a usage stay.
      const shown = withoutUrlCredentials(message).split('\n').map(printable).join('\n');
      process.stderr.write(`bettermode-kit: ${shown}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 2;
    },
  );
}
