export { bettermodeCodegen, bettermodeGeneratorConfig, bettermodeSchemaPath } from './bettermode-codegen';
export { runCodegen } from './run-codegen';
export { runBettermodeKit } from './cli';
export type { BettermodeCodegenOptions } from './bettermode-codegen';
export type { CodegenRun } from './run-codegen';
