/**
 * Text to the terminal's width, on word boundaries: a word is never split (a long ARN stays whole on a line of its
 * own), colours survive, and a wrapped line continues under where its text began.
 */
import wrapAnsi from 'wrap-ansi';

/** Below this a terminal is too narrow to lay out; text is left for the terminal to fold. */
export const MIN_WRAP_WIDTH = 60;

/**
 * One line wrapped at `width`, continuation lines indented by `hanging` spaces (default: the line's own leading
 * spaces). A width under MIN_WRAP_WIDTH, or none, leaves the line as it is.
 */
export function wrapLine(line: string, width: number | undefined, hanging?: number): string {
  if (!width || width < MIN_WRAP_WIDTH) return line;
  // eslint-disable-next-line no-control-regex -- ANSI colour codes do not take a column
  const visible = line.replace(/\x1b\[[0-9;]*m/g, '');
  if (visible.length <= width) return line;
  const lead = visible.length - visible.trimStart().length;
  const indent = hanging ?? lead;
  const [first = '', ...rest] = wrapAnsi(line.slice(0), width, { hard: false, trim: false, wordWrap: true }).split('\n');
  if (!rest.length) return first;
  // Re-wrap the remainder at the narrower width its indent leaves.
  const tail = wrapAnsi(rest.map((l) => l.trim()).join(' '), width - indent, { hard: false, trim: true, wordWrap: true });
  // eslint-disable-next-line no-control-regex -- the space before a closing colour code is trailing space too
  const firstLine = first.replace(/\s+((?:\x1b\[[0-9;]*m)*)$/, '$1');
  return [firstLine, ...tail.split('\n').map((l) => ' '.repeat(indent) + l)].join('\n');
}

/** Every line of `text` wrapped as wrapLine does. */
export function wrapText(text: string, width: number | undefined): string {
  if (!width || width < MIN_WRAP_WIDTH) return text;
  return text.split('\n').map((l) => wrapLine(l, width)).join('\n');
}
