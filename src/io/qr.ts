/**
 * A QR code for the terminal: two modules per character row (the upper half block), a one-module quiet zone,
 * and the lowest error-correction level, so an otpauth URI stays within 22 rows and 43 columns — with the secret
 * beside it and the prompt below, all of it fits an 80×24 terminal. Modules are drawn in explicit black and white
 * (256-colour 16 and 231, which themes leave alone), so the code reads the same on dark and light themes.
 */
import QRCode from 'qrcode-terminal/vendor/QRCode/index.js';
import QRErrorCorrectLevel from 'qrcode-terminal/vendor/QRCode/QRErrorCorrectLevel.js';

const BLACK = 16;
const WHITE = 231;
const QUIET_ZONE = 1;

/** The code's modules, quiet zone included: true is dark. */
export function qrModules(text: string): boolean[][] {
  const qr = new QRCode(-1, QRErrorCorrectLevel.L);
  qr.addData(text);
  qr.make();
  const size = qr.getModuleCount();
  const total = size + 2 * QUIET_ZONE;
  return Array.from({ length: total }, (_, r) =>
    Array.from({ length: total }, (_, c) => {
      const [row, col] = [r - QUIET_ZONE, c - QUIET_ZONE];
      return row >= 0 && col >= 0 && row < size && col < size && qr.isDark(row, col);
    }),
  );
}

/**
 * The modules as text lines. With colour: every cell an upper half block, its foreground the upper module and
 * its background the lower one. Without (--color never, NO_COLOR): the terminal's own colours, light modules as
 * full blocks — right for the usual light-on-dark terminal, and the secret is printed beside it either way.
 */
export function drawQr(modules: boolean[][], colour: boolean): string[] {
  const lines: string[] = [];
  for (let r = 0; r < modules.length; r += 2) {
    const upper = modules[r] ?? [];
    const lower = modules[r + 1];
    if (!colour) {
      lines.push(upper.map((dark, c) => {
        const below = lower ? (lower[c] ?? false) : true;
        if (!dark && !below) return '█';
        if (!dark) return '▀';
        if (!below) return '▄';
        return ' ';
      }).join(''));
      continue;
    }
    let line = '';
    let current = '';
    for (const [c, dark] of upper.entries()) {
      // A last odd row has no lower module: its lower half is the quiet zone's colour.
      const below = lower ? (lower[c] ?? false) : false;
      const code = `\x1b[38;5;${dark ? BLACK : WHITE};48;5;${below ? BLACK : WHITE}m`;
      if (code !== current) line += code;
      current = code;
      line += '▀';
    }
    lines.push(`${line}\x1b[0m`);
  }
  return lines;
}

/** Columns a drawn line takes (colour codes take none). */
export function visibleWidth(line: string): number {
  // eslint-disable-next-line no-control-regex -- SGR sequences
  return line.replace(/\x1b\[[0-9;]*m/g, '').length;
}
