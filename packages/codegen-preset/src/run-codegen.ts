import { createContext, generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { relative, resolve } from 'node:path';

/** What a codegen run did, as lines to print. */
export interface CodegenRun {
  ok: boolean;
  /** `Generated <file>` for each output, or one line per error: `<message> at <file>:<line>:<column>`. */
  lines: string[];
}

/**
 * Runs GraphQL Code Generator with a config object, or the config file (`codegen.ts`) of `cwd`,
 * and says what happened in plain lines: paths relative to `cwd`, each error on its own line, and
 * no "success" line after a failure (the codegen CLI prints both).
 */
export async function runCodegen({
  cwd,
  config,
  configFile,
}: {
  cwd: string;
  config?: CodegenConfig;
  configFile?: string;
}): Promise<CodegenRun> {
  // Codegen resolves the schema, documents and outputs from the process's directory.
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    let outputs: { filename: string }[];
    if (config) {
      outputs = await generate({ ...config, cwd, silent: true }, true);
    } else {
      const context = await createContext({ config: configFile ?? 'codegen.ts' } as Parameters<
        typeof createContext
      >[0]);
      context.updateConfig({ silent: true });
      outputs = await generate(context, true);
    }
    return { ok: true, lines: outputs.map((output) => `Generated ${relative(cwd, resolve(cwd, output.filename))}`) };
  } catch (error) {
    return { ok: false, lines: describeFailure(error, cwd) };
  } finally {
    process.chdir(previous);
  }
}

/** The codegen errors as one line each, with paths relative to `cwd`. */
function describeFailure(error: unknown, cwd: string): string[] {
  const errors = (error as { errors?: unknown[] }).errors ?? [error];
  const lines: string[] = [];
  for (const each of errors) {
    const text = [
      (each as { message?: string }).message ?? String(each),
      (each as { details?: string }).details ?? '',
    ].join('\n');
    for (const found of text.matchAll(/Error \d+: (.+?)\n\s+at (\S+)/g))
      lines.push(`${found[1]} at ${shorten(found[2] as string, cwd)}`);
    if (lines.length === 0) lines.push(shorten(text.trim().split('\n')[0] ?? 'codegen failed', cwd));
  }
  return [...new Set(lines)];
}

function shorten(text: string, cwd: string): string {
  return text.split(`${cwd}/`).join('');
}
