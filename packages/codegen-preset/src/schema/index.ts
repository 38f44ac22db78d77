// `@bettermode-kit/codegen-preset/schema`: what `bettermode-kit schema pull|check` is built from, for scripts of your own.
export { introspectSchema } from './introspect-schema';
export { collectOperationUsage, isValueType, readOperationFiles } from './operation-usage';
export { printSortedSchema } from './print-sorted-schema';
export { breaksOperations, compareSchemas, formatReport } from './schema-report';
export { SchemaToolError } from './schema-tool-error';
export { writeFileAtomically } from './write-file-atomically';
export type { IntrospectOptions } from './introspect-schema';
export type { OperationUsage } from './operation-usage';
export type { ChangeLevel, SchemaChange } from './schema-report';
