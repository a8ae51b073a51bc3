/**
 * A captured terminal screen (`tmux capture-pane -e`: text with its colour codes) drawn as a greyscale image, the
 * way a terminal with a given palette would show it, for a QR reader (zbarimg) to read. Only what a QR code is
 * made of is drawn exactly: block characters and their foreground/background colours; any other character is a
 * cell of its background colour.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const hasZbar = spawnSync('zbarimg', ['--version'], { stdio: 'ignore' }).status === 0;

/** Grey levels (0 black, 255 white) of the terminal's default colours. */
export interface Palette {
  foreground: number;
  background: number;
}
export const DARK: Palette = { foreground: 230, background: 20 };
export const LIGHT: Palette = { foreground: 25, background: 250 };

/** The xterm 256-colour palette's grey level: the 16 theme colours, the 6×6×6 cube, the grey ramp. */
function grey(index: number, palette: Palette, isForeground: boolean): number {
  if (index < 0) return isForeground ? palette.foreground : palette.background;
  if (index < 16) return [0, 7, 8, 15].includes(index) ? (index === 0 ? 0 : index === 8 ? 128 : 230) : 128;
  if (index < 232) {
    const i = index - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    const [r, g, b] = [level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6)];
    return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return 8 + (index - 232) * 10;
}

interface Cell {
  char: string;
  fg: number;
  bg: number;
}

/**
 * The screen as cells with colour indexes (-1: the terminal's default). tmux writes a colour only when it changes,
 * from one cell to the next and across line ends, so the colours carry over from line to line.
 */
export function parseScreen(captured: string): Cell[][] {
  let fg = -1;
  let bg = -1;
  return captured.split('\n').map((line) => {
    const cells: Cell[] = [];
    // eslint-disable-next-line no-control-regex -- SGR sequences in tmux's capture
    for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
      // eslint-disable-next-line no-control-regex -- one SGR sequence
      const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
      if (!sgr) {
        for (const char of part) cells.push({ char, fg, bg });
        continue;
      }
      const codes = (sgr[1] || '0').split(';').map(Number);
      for (let i = 0; i < codes.length; i++) {
        const c = codes[i] as number;
        if (c === 0) [fg, bg] = [-1, -1];
        else if (c === 39) fg = -1;
        else if (c === 49) bg = -1;
        else if (c === 38 && codes[i + 1] === 5) {
          fg = codes[i + 2] as number;
          i += 2;
        }
        else if (c === 48 && codes[i + 1] === 5) {
          bg = codes[i + 2] as number;
          i += 2;
        }
        else if (c >= 30 && c <= 37) fg = c - 30;
        else if (c >= 40 && c <= 47) bg = c - 40;
        else if (c >= 90 && c <= 97) fg = c - 90 + 8;
        else if (c >= 100 && c <= 107) bg = c - 100 + 8;
      }
    }
    return cells;
  });
}

/** Draws the screen (each cell `scale` wide and 2×`scale` tall, half blocks exactly) and asks zbarimg what it reads. */
export function readQr(captured: string, palette: Palette, dir: string, scale = 6): string | undefined {
  const rows = parseScreen(captured);
  const width = Math.max(...rows.map((r) => r.length)) + 4;
  const height = rows.length + 4;
  const pixels = Buffer.alloc(width * scale * height * 2 * scale, palette.background);
  const fill = (x: number, y: number, w: number, h: number, value: number) => {
    for (let yy = y; yy < y + h; yy++) pixels.fill(value, yy * width * scale + x, yy * width * scale + x + w);
  };
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const fg = grey(cell.fg, palette, true);
      const bg = grey(cell.bg, palette, false);
      const [x, y] = [(c + 2) * scale, (r + 2) * 2 * scale];
      const [top, bottom] =
        cell.char === '▀' ? [fg, bg] : cell.char === '▄' ? [bg, fg] : cell.char === '█' ? [fg, fg] : [bg, bg];
      fill(x, y, scale, scale, top);
      fill(x, y + scale, scale, scale, bottom);
    });
  });
  const file = join(dir, `screen-${palette === DARK ? 'dark' : 'light'}.pgm`);
  writeFileSync(join(dir, 'screen.ansi'), captured);
  writeFileSync(file, Buffer.concat([Buffer.from(`P5\n${width * scale} ${height * 2 * scale}\n255\n`), pixels]));
  const r = spawnSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The visible screen of a tmux pane, with colours. */
export function captureWithColours(session: string): string {
  return execFileSync('tmux', ['capture-pane', '-e', '-p', '-t', session], { encoding: 'utf8' });
}
