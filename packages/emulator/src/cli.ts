import { runCli } from './run-cli';

const output = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

runCli(process.argv.slice(2), output).then(
  (emulator) => {
    if (!emulator) return;
    const stop = () => {
      emulator.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: unknown) => {
    output.err(`bettermode-emulator: ${error instanceof Error ? error.message : String(error)}`);
    output.err('Run bettermode-emulator --help for the options.');
    process.exitCode = 2;
  },
);
