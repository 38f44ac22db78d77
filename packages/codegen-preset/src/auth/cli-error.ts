/** A failure the CLI reports in one line, with its exit code (1 the API refused, 2 usage or local, 3 not logged in). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3,
  ) {
    super(message);
  }
}
