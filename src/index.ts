/** The entry point: runs the program and is the only place that turns an outcome into an exit code. */
import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import { describeError, ExitCode } from './errors.js';
import { SecretRegistry } from './lib/secrets.js';

/** Does this command line ask for JSON on stdout (--json, or --format json / jsonl)? */
export function wantsJson(args: string[]): boolean {
  return args.some((a, i) => a === '--json' || a === '--format=json' || a === '--format=jsonl' || (a === '--format' && /^jsonl?$/.test(args[i + 1] ?? '')));
}

export async function main(argv: string[]): Promise<number> {
  // The SDK warns on Node 20 that its future releases will need Node 22. We pin the SDK and support Node 20
  // deliberately, so the warning is noise our users cannot act on; an explicit setting still wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `iam-bootstrap audit --format csv | head`: a reader that stops early is not an error, and no stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(Number(process.exitCode ?? 0));
      throw err;
    });
  }
  // -V, as well as -v: both spellings people try for the version.
  const args = argv.map((a, i) => (i === 2 && a === '-V' ? '--version' : a));
  const secrets = new SecretRegistry();
  const program = buildProgram(secrets);
  try {
    await program.parseAsync(args);
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version: commander has printed them; a usage error: commander has printed the message.
      const success = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
      if (!success && wantsJson(args)) printJsonError(ExitCode.usage, err.message.replace(/^error: /, ''));
      return success ? ExitCode.ok : ExitCode.usage;
    }
    const { exitCode, message } = describeError(err, { profile: program.opts<{ profile?: string }>().profile });
    // AWS's own words end up in the message; no secret this process knows may go with them.
    if (message) process.stderr.write(`${secrets.redact(message)}\n`);
    if (message && wantsJson(args)) printJsonError(exitCode, secrets.redact(message.replace(/^Error: /, '')));
    return exitCode;
  }
}

/**
 * With --json, a failure is a JSON document on stdout too, so a script reading stdout always gets one:
 * { "schemaVersion": 1, "error": { "exitCode", "kind", "message" } }. The message is also on stderr, as always.
 */
function printJsonError(exitCode: number, message: string): void {
  const kind = exitCode === ExitCode.usage ? 'usage' : exitCode === ExitCode.runtime ? 'runtime' : 'interrupted';
  process.stdout.write(`${JSON.stringify({ schemaVersion: 1, error: { exitCode, kind, message } }, null, 2)}\n`);
}
