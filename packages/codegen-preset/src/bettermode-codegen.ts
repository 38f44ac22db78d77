import type { CodegenConfig } from '@graphql-codegen/cli';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Options of {@link bettermodeCodegen}. */
export interface BettermodeCodegenOptions {
  /**
   * Your operations: globs of `.graphql` files, or of `.ts`/`.tsx` files with `#graphql` strings
   * or `gql` tags.
   */
  documents: string | string[];
  /** The folder the generated `graphql.ts` goes to. */
  outputDir: string;
  /**
   * The schema to generate against. @defaultValue the schema `@bettermode-kit/operations` was
   * built and tested with; give a file you pulled (`bettermode-kit schema pull`) when Bettermode is
   * ahead of the kit's release
   */
  schema?: string;
}

/**
 * The settings bettermode-kit generates its own documents with (`codegen.ts` at its root imports
 * them): typed documents (`typed-document-node`) with their result and
 * variables types, enums as string unions, Bettermode's scalars, no `__typename`.
 */
export const bettermodeGeneratorConfig = {
  useTypeImports: true,
  enumType: 'string-literal',
  scalars: { DateTime: 'string', Upload: 'unknown' },
  strictScalars: true,
  dedupeFragments: true,
  optimizeDocumentNode: true,
  skipTypename: true,
} as const;

const require = createRequire(import.meta.url);

interface PluckedNode {
  type: string;
  leadingComments?: readonly { value: string }[] | null;
  quasis?: readonly { value: { raw: string } }[];
}

/**
 * Which template literals hold GraphQL: codegen's own rule (a `/* GraphQL *\/` comment before
 * it), and a string that starts with `#graphql`, the convention of Apollo's and Shopify's
 * tooling, which codegen does not know by itself.
 */
function isGraphQLTemplateLiteral(node: PluckedNode, options: { gqlMagicComment?: string }): boolean {
  const comment = node.leadingComments?.at(-1)?.value.trim().toLowerCase();
  if (comment !== undefined && comment === (options.gqlMagicComment ?? 'graphql').toLowerCase()) return true;
  return node.type === 'TemplateLiteral' && /^\s*#graphql\b/i.test(node.quasis?.[0]?.value.raw ?? '');
}

/** The schema `@bettermode-kit/operations` ships: the one the kit was built and tested with. */
export function bettermodeSchemaPath(): string {
  return require.resolve('@bettermode-kit/operations/schema.graphql');
}

/**
 * A GraphQL Code Generator config for your own Bettermode operations, e.g. in `codegen.ts`:
 *
 * @example
 * ```ts
 * import { bettermodeCodegen } from '@bettermode-kit/codegen-preset';
 * export default bettermodeCodegen({ documents: 'src/**\/*.graphql', outputDir: 'src/generated' });
 * ```
 *
 * The output works with `bm.query`, `bm.mutate` and urql's hooks. Your operations can spread
 * `...AuthTokenFields`, the fragment the kit's token operations share. The plugins are loaded from
 * this package, so your project needs no codegen plugin of its own.
 */
export function bettermodeCodegen({ documents, outputDir, schema }: BettermodeCodegenOptions): CodegenConfig {
  if (!documents || (Array.isArray(documents) && documents.length === 0))
    throw new TypeError('@bettermode-kit/codegen-preset: documents are required');
  if (typeof outputDir !== 'string' || outputDir.trim() === '')
    throw new TypeError('@bettermode-kit/codegen-preset: outputDir is required');
  return {
    schema: schema ?? bettermodeSchemaPath(),
    documents: [
      ...(Array.isArray(documents) ? documents : [documents]),
      require.resolve('@bettermode-kit/operations/fragments.graphql'),
    ],
    ignoreNoDocuments: false,
    pluckConfig: { isGqlTemplateLiteral: isGraphQLTemplateLiteral },
    // Resolved from here: with pnpm, a project does not see this package's own dependencies.
    pluginLoader: (name: string) => import(require.resolve(name)),
    generates: {
      [join(outputDir, 'graphql.ts')]: {
        plugins: ['typescript-operations', 'typed-document-node'],
        config: bettermodeGeneratorConfig,
      },
    },
  } as CodegenConfig;
}
