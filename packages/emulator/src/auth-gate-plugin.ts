import type { ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { unauthorized } from './emulator-errors';
import type { EmulatorContext } from './emulator-schema';
import type { EmulatorStatsCounter } from './emulator-stats';
import { rootFieldNames } from './root-field-names';

/**
 * Root fields Bettermode answers without a Bearer token: `tokens`, and `limitedToken`, which
 * checks the app's HTTP Basic credentials itself. Introspection is not among them.
 */
const openFields = new Set(['tokens', 'limitedToken', '__typename']);

/**
 * Counts every executed root field, then refuses the whole operation with `Unauthorized` when
 * it selects anything but `tokens` without a valid Bearer token, as Bettermode does.
 */
export function authGatePlugin(stats: EmulatorStatsCounter): Plugin<EmulatorContext> {
  const gate = (args: ExecutionArgs, stop: (result: { errors: ReturnType<typeof unauthorized>[] }) => void) => {
    const fields = rootFieldNames(args.document, args.operationName);
    stats.countFields(fields);
    const context = args.contextValue as EmulatorContext;
    if (context.caller || fields.every((field) => openFields.has(field))) return;
    stats.countUnauthorized();
    stop({ errors: [unauthorized()] });
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => gate(args, setResultAndStopExecution),
    onSubscribe: ({ args, setResultAndStopExecution }) => gate(args, setResultAndStopExecution),
  };
}
