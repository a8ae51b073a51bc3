/** The entry point: runs the program and is the only place that turns an outcome into an exit code. */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import { describeError, ExitCode } from './errors.js';
import { SecretRegistry } from './lib/secrets.js';

export async function main(argv: string[]): Promise<number> {
  // The SDK warns on Node 20 that its future releases will need Node 22. We pin the SDK and support Node 20
  // deliberately, so the warning is noise our users cannot act on; an explicit setting still wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const secrets = new SecretRegistry();
  const program = buildProgram(secrets);
  try {
    await program.parseAsync(argv);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version: commander has printed them; a usage error: commander has printed the message.
      const success = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
      return success ? ExitCode.ok : ExitCode.usage;
    }
    const { exitCode, message } = describeError(err, { profile: program.opts<{ profile?: string }>().profile });
    // AWS's own words end up in the message; no secret this process knows may go with them.
    if (message) process.stderr.write(`${secrets.redact(message)}\n`);
    return exitCode;
  }
}
