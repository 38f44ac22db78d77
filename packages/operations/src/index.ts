/**
 * Typed documents for Bettermode's GraphQL API, generated from `operations/` by `pnpm codegen`.
 *
 * Each `…Document` carries its result and variables types, so any client that understands
 * `TypedDocumentNode` (urql, Apollo, graphql-request) infers them.
 *
 * @packageDocumentation
 */
// The generated module is the public surface: every document and type it holds is exported
// as is, so adding an operation file needs no edit here.
export * from './generated/graphql';
