// The entry of `pnpm schema:pull`, `schema:check` and `schema:changeset`, run from the repository root.
import { runSchemaCli } from './run-schema-cli';
import { SchemaToolError } from '@bettermode-kit/codegen-preset/schema';

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

runSchemaCli(process.argv.slice(2), { root: process.cwd(), out }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof SchemaToolError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`schema: ${known ? (error as Error).message : String(error)}\n`);
    process.exitCode = 2;
  },
);
