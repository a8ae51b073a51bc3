/**
 * The prompt seam. Commands ask through `Prompter`; the Inquirer implementation lives here, and tests use
 * a scripted one (test/support/scripted-prompter.ts). Prompts are drawn on stderr so stdout stays the result.
 */
import { AbortError, RuntimeError } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  /** `signal`: aborting it cancels the prompt, which then throws the signal's reason (init's stop signals). */
  input(q: { message: string; default?: string; validate?: (value: string) => true | string; signal?: AbortSignal }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<T>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  /**
   * Text only the operator at the terminal may see (the MFA QR code and secret). Never goes to a pipe,
   * a log or --json output.
   */
  showSensitive(text: string): void;
  /** Whether showSensitive can show anything: init asks before it changes anything, not when the secret exists. */
  canShowSensitive(): boolean;
  /** The terminal's size, for laying out what showSensitive shows (undefined where it is not known). */
  terminalSize(): { columns?: number; rows?: number };
}

type TerminalOutput = NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };

export function createInquirerPrompter(
  input: NodeJS.ReadableStream = process.stdin,
  output: TerminalOutput = process.stderr,
): Prompter {
  const context = { input, output, clearPromptOnDone: false };
  // Loaded on first use: Inquirer is not needed for --yes runs or --help.
  const prompts = () => import('@inquirer/prompts');
  return {
    async input(q) {
      const { input: ask } = await prompts();
      const signal = q.signal;
      return guard(() => ask({ message: q.message, default: q.default, validate: q.validate }, { ...context, signal }), signal);
    },
    async confirm(q) {
      const { confirm } = await prompts();
      return guard(() => confirm({ message: q.message, default: q.default }, context));
    },
    async select<T>(q: { message: string; choices: Choice<T>[]; default?: T }) {
      const { select } = await prompts();
      return guard(() => select<T>({ message: q.message, choices: q.choices, default: q.default }, context));
    },
    canShowSensitive: () => output.isTTY === true,
    terminalSize: () => ({ columns: output.columns, rows: output.rows }),
    showSensitive(text) {
      if (!output.isTTY) {
        throw new RuntimeError(
          'refusing to print an MFA secret to something that is not a terminal',
          'Use --mfa-secret-file <path> for scripted enrolment.',
        );
      }
      output.write(`${text}\n`);
    },
  };
}

/**
 * Ctrl-C inside any Inquirer prompt surfaces as ExitPromptError; it becomes exit 130. A prompt cancelled through
 * its signal throws the signal's reason (SIGTERM → exit 143, SIGHUP → 129).
 */
async function guard<T>(ask: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (signal?.aborted && signal.reason instanceof Error) throw signal.reason;
    if ((err as Error)?.name === 'ExitPromptError' || (err as Error)?.name === 'AbortPromptError') {
      throw new AbortError('Interrupted: no further changes were made.');
    }
    throw err;
  }
}
