/** What reaches a person's terminal: the QR code's size and colours, wrapping at the terminal's width, colour rules. */
import { describe, expect, it } from 'vitest';
import { colorEnabled, createOutput } from '../../../src/io/output.js';
import { drawQr, qrModules, visibleWidth } from '../../../src/io/qr.js';
import { MIN_WRAP_WIDTH, wrapLine, wrapText } from '../../../src/io/wrap.js';
import { otpauthUri } from '../../../src/lib/totp.js';
import { enrolmentScreen } from '../../../src/mfa/code-providers.js';
import { colorSetting } from '../../../src/create-context.js';
import { UsageError } from '../../../src/errors.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // 64 characters, as AWS's seeds
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

describe('the MFA QR code', () => {
  it('a typical key URI fits 22 rows and 43 columns: version 6 at level L, a one-module quiet zone', () => {
    const modules = qrModules(otpauthUri(SECRET, 'alice', 'acme-prod'));
    expect(modules).toHaveLength(43); // 41 modules + 2
    const lines = drawQr(modules, true);
    expect(lines).toHaveLength(22);
    expect(lines.map(visibleWidth)).toEqual(Array(22).fill(43));
  });

  it('draws in explicit black (16) and white (231), every line reset; without colour, in the terminal\'s own', () => {
    const lines = drawQr(qrModules('otpauth://totp/AWS:a@b?secret=AAAA&issuer=AWS'), true);
    const colours = new Set<string>();
    for (const line of lines) {
      expect(line.endsWith('\x1b[0m')).toBe(true);
      for (const m of line.matchAll(/\x1b\[38;5;(\d+);48;5;(\d+)m/g)) colours.add(m[1] as string).add(m[2] as string); // eslint-disable-line no-control-regex
    }
    expect(colours).toEqual(new Set(['16', '231']));
    // The quiet zone: the first row is white over the first module row.
    expect(strip(lines[0] ?? '')).toMatch(/^▀+$/);
    const plain = drawQr(qrModules('otpauth://totp/AWS:a@b?secret=AAAA&issuer=AWS'), false);
    expect(plain.join('')).not.toContain('\x1b');
    expect(plain[0]).toMatch(/^[█▀▄ ]+$/);
  });

  it('at 80 columns the secret is beside the code (22 rows in all); on a narrower terminal it is above and below', () => {
    const uri = otpauthUri(SECRET, 'alice', 'acme-prod');
    const wide = enrolmentScreen(uri, SECRET, 'alice', true, 80).split('\n');
    expect(wide).toHaveLength(22);
    expect(Math.max(...wide.map(visibleWidth))).toBeLessThanOrEqual(80);
    const groups = wide.map((l) => /((?:[A-Z2-7]{4} ){3}[A-Z2-7]{4})$/.exec(strip(l))?.[1]).filter(Boolean);
    expect(groups.join('').replace(/ /g, '')).toBe(SECRET);
    const narrow = enrolmentScreen(uri, SECRET, 'alice', true, 70).split('\n');
    expect(narrow[0]).toBe('Scan this QR code with an authenticator app for alice:');
    expect(narrow.length).toBeGreaterThan(22);
  });
});

describe('wrapping at the terminal width', () => {
  const text = 'FAIL      high      console-mfa   bob: console password, no MFA; carol: console password, no MFA; arn:aws:iam::111122223333:user/a-very-long-user-name-that-is-one-word';
  it.each([60, 80, 120])('at %i columns no line is longer, no word is split, and continuations align', (width) => {
    const wrapped = wrapLine(`  ${text}`, width, 32).split('\n');
    for (const line of wrapped) {
      const longWord = line.trim().split(' ').some((w) => w.length > width - 32);
      if (!longWord) expect(line.length).toBeLessThanOrEqual(width);
    }
    expect(wrapped.slice(1).every((l) => l.startsWith(' '.repeat(32)) && l[32] !== ' ')).toBe(true);
    // Every word survives whole, in order.
    expect(wrapped.map((l) => l.trim()).join(' ').split(/\s+/)).toEqual(`  ${text}`.trim().split(/\s+/));
  });

  it('keeps single spaces between words across the re-wrapped continuation', () => {
    const line = `  1. ${'word '.repeat(60).trim()}`;
    for (const l of wrapLine(line, 80, 5).split('\n')) expect(l.trim()).not.toMatch(/ {2}/);
  });

  it('leaves text alone below 60 columns or when no width is known, and keeps colours', () => {
    expect(wrapText(text, MIN_WRAP_WIDTH - 1)).toBe(text);
    expect(wrapText(text, undefined)).toBe(text);
    const coloured = `\x1b[31m${text}\x1b[39m`;
    expect(strip(wrapLine(coloured, 80))).toBe(strip(wrapLine(text, 80)));
  });

  it('an Output with a width wraps what it prints, not JSON or raw reports', () => {
    const out: string[] = [];
    const o = createOutput({ json: false, verbose: false, color: false, width: { stdout: 60 } }, { write: (t: string) => out.push(t) }, { write: () => undefined });
    o.result(text);
    o.raw(`${text}\n`);
    o.document({ text });
    expect(out[0]?.split('\n').every((l) => l.length <= 60 || !l.includes(' '))).toBe(true);
    expect(out[1]).toBe(`${text}\n`);
    expect(JSON.parse(out[2] ?? '')).toEqual({ text });
  });
});

describe('colour', () => {
  it('--color decides; then FORCE_COLOR, then NO_COLOR, then whether stdout is a terminal', () => {
    expect(colorEnabled('always', { NO_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('never', { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled('auto', { FORCE_COLOR: '1', NO_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled('auto', { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled('auto', { NO_COLOR: '' }, true)).toBe(true);
    expect(colorEnabled('auto', {}, false)).toBe(false);
  });

  it('--color takes auto, always or never; --no-color is never', () => {
    expect(colorSetting(undefined)).toBe('auto');
    expect(colorSetting(false)).toBe('never');
    expect(colorSetting('always')).toBe('always');
    expect(() => colorSetting('yes')).toThrow(new UsageError('--color: "yes" is not auto, always or never.'));
  });
});
