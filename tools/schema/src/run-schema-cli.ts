import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSchema } from 'graphql';
import {
  breaksOperations,
  collectOperationUsage,
  compareSchemas,
  formatReport,
  introspectSchema,
  printSortedSchema,
  readOperationFiles,
  SchemaToolError,
  writeFileAtomically,
} from '@bettermode-kit/codegen-preset/schema';
import { withoutUrlCredentials } from '@bettermode-kit/internal';
import { readCommittedOperationFiles } from './committed-operation-files';
import { writeSchemaChangeset } from './schema-changeset';

/** Where a command runs and writes. */
export interface SchemaCliContext {
  root: string;
  out: (text: string) => void;
  fetch?: typeof fetch;
}

const committedSchema = 'schema/bettermode.graphql';
const usage = `Usage:
  schema pull [--endpoint URL] [--network-domain D] [--out FILE]
  schema check [--against FILE | --endpoint URL [--network-domain D]] [--json]
  schema changeset [--against FILE | --endpoint URL [--network-domain D]]`;

/** Runs `pull`, `check` or `changeset`; resolves to the exit code. */
export async function runSchemaCli(argv: readonly string[], context: SchemaCliContext): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      endpoint: { type: 'string' },
      'network-domain': { type: 'string' },
      out: { type: 'string' },
      against: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const introspect = (endpoint: string) =>
    introspectSchema({ endpoint, networkDomain: values['network-domain'], ...(context.fetch ? { fetch: context.fetch } : {}) });

  switch (command) {
    case 'pull': {
      const endpoint = values.endpoint ?? 'https://api.bettermode.com';
      const out = resolve(context.root, values.out ?? committedSchema);
      const sdl = printSortedSchema(await introspect(endpoint));
      await writeFileAtomically(out, sdl);
      context.out(`Wrote ${shortPath(context.root, out)} (${sdl.length} bytes) from ${withoutUrlCredentials(endpoint)}.`);
      return 0;
    }
    case 'check':
    case 'changeset': {
      if (values.against && values.endpoint) throw new SchemaToolError('Give --against FILE or --endpoint URL, not both');
      const before = buildSchema(await committedVersion(context.root));
      // Like with like: an introspected schema is printed and built again as the committed SDL is,
      // or every @deprecated (an SDL directive, a flag in introspection) reads as removed.
      const after = buildSchema(
        values.endpoint ? printSortedSchema(await introspect(values.endpoint)) : await readFile(resolve(context.root, values.against ?? committedSchema), 'utf8'),
      );
      // check judges the operations as they are now (has the fix landed?); changeset judges the
      // operations the released packages were generated from (what do their users lose?).
      const files = command === 'check' ? await readOperationFiles(context.root) : await readCommittedOperationFiles(context.root);
      const operationUsage = collectOperationUsage(before, files);
      const changes = await compareSchemas(before, after, operationUsage);
      if (command === 'check') {
        context.out(values.json ? `${JSON.stringify({ changes, breaksOperations: breaksOperations(changes) }, null, 2)}\n` : formatReport(changes, 'fix operations/, then pnpm codegen'));
        return breaksOperations(changes) ? 1 : 0;
      }
      if (changes.length === 0) {
        context.out('No schema changes: no changeset written.');
        return 0;
      }
      const { path, bump } = await writeSchemaChangeset(context.root, changes);
      context.out(`Wrote ${shortPath(context.root, path)}: ${bump} for the packages built on @bettermode-kit/operations.`);
      return 0;
    }
    default:
      throw new SchemaToolError(command ? `Unknown command "${command}"\n${usage}` : usage);
  }
}

/** The schema as committed (HEAD), so a pull that rewrote the working copy can be compared with it. */
async function committedVersion(root: string): Promise<string> {
  try {
    return execFileSync('git', ['show', `HEAD:${committedSchema}`], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return readFile(join(root, committedSchema), 'utf8');
  }
}

function shortPath(root: string, path: string): string {
  const inside = relative(root, path);
  return inside.startsWith('..') ? path : inside;
}
