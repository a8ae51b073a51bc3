import { AbortError } from '../../src/errors.js';
import type { Prompter } from '../../src/io/prompter.js';

/** An answer, or CTRL_C to behave as Inquirer does when the operator presses Ctrl-C. */
export const CTRL_C = Symbol('ctrl-c');
type Value = string | boolean | null;
/** A function answer runs when the prompt appears, so it can read what was shown on screen before it. */
export type Answer = Value | typeof CTRL_C | ((message: string) => Value | Promise<Value>);

/**
 * Answers prompts from a script, in order, and records what was asked. Every answer passes through the
 * prompt's own validate function, as it would at a terminal; an invalid one fails the test.
 */
export class ScriptedPrompter implements Prompter {
  readonly asked: string[] = [];
  readonly shown: string[] = [];
  constructor(private readonly answers: Answer[]) {}

  /** Adds answers for prompts that come later. */
  then(...answers: Answer[]): this {
    this.answers.push(...answers);
    return this;
  }

  private async next(message: string, signal?: AbortSignal): Promise<Value> {
    this.asked.push(message);
    if (signal?.aborted) throw signal.reason;
    if (this.answers.length === 0) throw new Error(`unexpected prompt: ${message}`);
    const a = this.answers.shift() as Answer;
    if (a === CTRL_C) throw new AbortError('Interrupted: no further changes were made.');
    return typeof a === 'function' ? a(message) : a;
  }

  async input(q: { message: string; default?: string; validate?: (v: string) => true | string; signal?: AbortSignal }): Promise<string> {
    const raw = await this.next(q.message, q.signal);
    if (q.signal?.aborted) throw q.signal.reason; // the signal came while the "operator" was typing
    const value = raw === '' && q.default !== undefined ? q.default : String(raw);
    const verdict = q.validate?.(value);
    if (verdict !== undefined && verdict !== true) throw new Error(`answer "${value}" to "${q.message}" rejected: ${verdict}`);
    return value;
  }

  async confirm(q: { message: string }): Promise<boolean> {
    return (await this.next(q.message)) as boolean;
  }

  async select<T>(q: { message: string }): Promise<T> {
    return (await this.next(q.message)) as T;
  }

  showSensitive(text: string): void {
    this.shown.push(text);
  }

  /** false: behave as a wizard whose standard error is redirected to a file. */
  terminal = true;

  canShowSensitive(): boolean {
    return this.terminal;
  }

  /** The terminal's size as a test sets it (unknown by default: the QR code is laid out above the secret). */
  size: { columns?: number; rows?: number } = {};

  terminalSize(): { columns?: number; rows?: number } {
    return this.size;
  }

  get remaining(): number {
    return this.answers.length;
  }
}
