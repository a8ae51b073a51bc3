/**
 * All text the tool prints goes through here; chalk is imported nowhere else.
 * stdout carries the result (the summary, or the one JSON document with --json); stderr carries progress,
 * warnings and --verbose call traces, so `--json | jq` always works.
 */
import { Chalk, type ChalkInstance } from 'chalk';

export interface Output {
  readonly style: ChalkInstance;
  readonly json: boolean;
  readonly verbose: boolean;
  /** Progress and plan text for the operator (stderr). */
  info(text: string): void;
  warn(text: string): void;
  /** A --verbose trace line (stderr); nothing when not verbose. */
  debug(text: string): void;
  /** The command's result for humans (stdout); suppressed with --json. */
  result(text: string): void;
  /** The command's result document for --json (stdout). */
  document(value: unknown): void;
  /** A one-line progress indicator on stderr, redrawn in place; only when stderr is a terminal. */
  progress(text: string | undefined): void;
}

export interface OutputSettings {
  json: boolean;
  verbose: boolean;
  color: boolean;
  /** stderr is a terminal, so a progress line can be redrawn */
  progress?: boolean;
  /** Applied to every text before it is written: replaces the secrets this process knows (SecretRegistry). */
  redact?: (text: string) => string;
}

export interface WritableLike {
  write(text: string): unknown;
}

/** --no-color, NO_COLOR, or a stdout that is not a terminal all turn colour off. */
export function colorEnabled(flag: boolean, env: NodeJS.ProcessEnv, stdoutIsTty: boolean): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stdoutIsTty;
}

export function createOutput(
  settings: OutputSettings,
  stdout: WritableLike = process.stdout,
  stderr: WritableLike = process.stderr,
): Output {
  const style = new Chalk({ level: settings.color ? 1 : 0 });
  const redact = settings.redact ?? ((text: string) => text);
  const toStdout = (text: string) => void stdout.write(redact(text));
  const toStderr = (text: string) => void stderr.write(redact(text));
  return {
    style,
    json: settings.json,
    verbose: settings.verbose,
    info: (text) => toStderr(`${text}\n`),
    warn: (text) => toStderr(`${style.yellow(text)}\n`),
    debug: (text) => {
      if (settings.verbose) toStderr(`${style.dim(text)}\n`);
    },
    result: (text) => {
      if (!settings.json) toStdout(`${text}\n`);
    },
    document: (value) => toStdout(`${JSON.stringify(value, null, 2)}\n`),
    progress: (text) => {
      if (settings.progress) toStderr(text === undefined ? '\r\x1b[K' : `\r\x1b[K${text}`);
    },
  };
}
