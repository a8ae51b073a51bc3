/**
 * All text the tool prints goes through here; chalk is imported nowhere else.
 * stdout carries the result (the summary, or the one JSON document with --json); stderr carries progress,
 * warnings and --verbose call traces, so `--json | jq` always works.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { wrapText } from './wrap.js';

export interface Output {
  readonly style: ChalkInstance;
  /** Columns of the terminal stdout shows in (undefined: not a terminal, nothing is wrapped). */
  readonly width?: number;
  /** The same for stderr, where info and warn go (the plan, progress, the recap). */
  readonly infoWidth?: number;
  /** Colours are allowed on a terminal (not --color never, not NO_COLOR): the QR code's black and white. */
  readonly colorAllowed: boolean;
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
  /** A result already in its final form (a report format on stdout: CSV, HTML, …), written exactly as given. */
  raw(text: string): void;
  /** A one-line progress indicator on stderr, redrawn in place; only when stderr is a terminal. */
  progress(text: string | undefined): void;
  /** A line for a person watching (a step's mark and duration): stderr, only when it is a terminal. */
  status(text: string): void;
}

export interface OutputSettings {
  json: boolean;
  verbose: boolean;
  color: boolean;
  /** stderr is a terminal, so a progress line can be redrawn */
  progress?: boolean;
  /** Applied to every text before it is written: replaces the secrets this process knows (SecretRegistry). */
  redact?: (text: string) => string;
  /** Whether colours may be used on a terminal at all (default: `color`). */
  colorAllowed?: boolean;
  /** Terminal widths: text to stdout (result) and to stderr (info, warn) is wrapped on words to them. */
  width?: { stdout?: number; stderr?: number };
}

export interface WritableLike {
  write(text: string): unknown;
}

export type ColorSetting = 'auto' | 'always' | 'never';

/**
 * Colour or not: --color always/never decides; then FORCE_COLOR (any value but "0" or "false" turns colour on,
 * and it takes precedence over NO_COLOR, as in Node itself); then NO_COLOR (set and not empty: off); then
 * whether stdout is a terminal.
 */
export function colorEnabled(setting: ColorSetting, env: NodeJS.ProcessEnv, stdoutIsTty: boolean): boolean {
  if (setting !== 'auto') return setting === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
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
  const outWidth = settings.width?.stdout;
  const errWidth = settings.width?.stderr;
  return {
    style,
    ...(outWidth ? { width: outWidth } : {}),
    ...(errWidth ? { infoWidth: errWidth } : {}),
    colorAllowed: settings.colorAllowed ?? settings.color,
    json: settings.json,
    verbose: settings.verbose,
    info: (text) => toStderr(`${wrapText(text, errWidth)}\n`),
    warn: (text) => toStderr(`${style.yellow(wrapText(text, errWidth))}\n`),
    debug: (text) => {
      if (settings.verbose) toStderr(`${style.dim(text)}\n`);
    },
    result: (text) => {
      if (!settings.json) toStdout(`${wrapText(text, outWidth)}\n`);
    },
    document: (value) => toStdout(`${JSON.stringify(value, null, 2)}\n`),
    raw: (text) => toStdout(text),
    status: (text) => {
      if (settings.progress) toStderr(`${text}\n`);
    },
    progress: (text) => {
      if (settings.progress) toStderr(text === undefined ? '\r\x1b[K' : `\r\x1b[K${text}`);
    },
  };
}
