/**
 * A mistake the user can fix (a bad flag, a corrupt file, a wrong phrase): printed as one line
 * on stderr with no stack trace, exit code `exitCode`.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Runs a command's main, turning UserError into one line and a code; anything else is a bug. */
export async function runMain(prog: string, main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${prog}: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`${prog}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    }
  }
}
