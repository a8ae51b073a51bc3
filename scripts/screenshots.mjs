#!/usr/bin/env node
// `node scripts/screenshots.mjs` (after `npm run build`): the README's pictures, made from the real thing — the
// wizard in an 80×24 tmux terminal against the emulator (its screen, colours included, drawn as a page and
// photographed by headless Chromium), and the HTML report of an account with something to fix. Needs moto, tmux
// and Debian's Chromium; writes docs/images/wizard.png and docs/images/report.png.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startEmulator } from './moto.mjs';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin/iam-bootstrap.js');
const images = join(root, 'docs/images');
const dir = mkdtempSync(join(tmpdir(), 'iam-bootstrap-shots-'));
const emulator = await startEmulator({ regions: ['eu-west-1', 'us-east-1', 'us-west-2'] });
process.on('exit', () => emulator.stop());

/**
 * Credentials for a fresh emulated account (moto keeps one IAM state per account id). Asynchronously: the test
 * double answers from this very process, so a blocking call would never be answered.
 */
async function freshAccount() {
  const id = `4${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
  const { stdout: out } = await promisify(execFile)('aws', ['sts', 'assume-role', '--role-arn', `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`, '--role-session-name', 'shots', '--output', 'json', '--endpoint-url', emulator.url], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1' },
  });
  const c = JSON.parse(out.toString()).Credentials;
  return { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken, AWS_REGION: 'us-east-1' };
}

const XTERM16 = ['#000000', '#cd3131', '#0dbc79', '#e5e510', '#2472c8', '#bc3fbc', '#11a8cd', '#e5e5e5', '#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
function colour(n) {
  if (n < 16) return XTERM16[n];
  if (n < 232) {
    const i = n - 16;
    const level = (v) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
  }
  const g = 8 + (n - 232) * 10;
  return `rgb(${g},${g},${g})`;
}

/** A tmux capture (text with colour codes) as an HTML page of the same cells. */
function screenPage(captured) {
  const esc = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let fg;
  let bg;
  let bold = false;
  let dim = false;
  let html = '';
  // eslint-disable-next-line no-control-regex -- SGR sequences in tmux's capture
  for (const part of captured.replace(/\n+$/, '').split(/(\x1b\[[0-9;]*m)/)) {
    // eslint-disable-next-line no-control-regex -- one SGR sequence
    const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (!sgr) {
      const style = [fg && `color:${fg}`, bg && `background:${bg}`, bold && 'font-weight:bold', dim && 'opacity:.6'].filter(Boolean).join(';');
      html += style ? `<span style="${style}">${esc(part)}</span>` : esc(part);
      continue;
    }
    const codes = (sgr[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) [fg, bg, bold, dim] = [undefined, undefined, false, false];
      else if (c === 1) bold = true;
      else if (c === 2) dim = true;
      else if (c === 22) [bold, dim] = [false, false];
      else if (c === 39) fg = undefined;
      else if (c === 49) bg = undefined;
      else if (c === 38 && codes[i + 1] === 5) {
        fg = colour(codes[i + 2]);
        i += 2;
      }
      else if (c === 48 && codes[i + 1] === 5) {
        bg = colour(codes[i + 2]);
        i += 2;
      }
      else if (c >= 30 && c <= 37) fg = XTERM16[c - 30];
      else if (c >= 40 && c <= 47) bg = XTERM16[c - 40];
      else if (c >= 90 && c <= 97) fg = XTERM16[c - 90 + 8];
      else if (c >= 100 && c <= 107) bg = XTERM16[c - 100 + 8];
    }
  }
  return `<!DOCTYPE html><meta charset="utf-8"><style>
body { margin: 0; background: #1e1e1e; }
pre { margin: 0; padding: 14px 16px; color: #d4d4d4; font: 14px/1 "DejaVu Sans Mono", monospace; white-space: pre; }
</style><pre>${html}</pre>`;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });

// 1. The wizard at the MFA step: the plan scrolled by, the QR code and the secret side by side, the prompt.
const session = `iam-bootstrap-shots-${process.pid}`;
const env = await freshAccount();
const exports = Object.entries({ ...env, PATH: process.env.PATH, TERM: 'xterm-256color', HOME: dir }).map(([k, v]) => `export ${k}='${v}'`).join('\n');
writeFileSync(join(dir, 'run.sh'), `${exports}\ncd '${dir}'\n'${process.execPath}' '${cli}' init --endpoint-url ${emulator.url}\nsleep 600\n`);
execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '80', '-y', '24', `bash ${join(dir, 'run.sh')}`]);
const screen = (colours) => execFileSync('tmux', ['capture-pane', ...(colours ? ['-e'] : []), '-p', '-t', session]).toString();
const waitFor = async (pattern) => {
  for (let i = 0; i < 200; i++) {
    if (pattern.test(screen(false))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${screen(false)}`);
};
const type = (text) => {
  if (text) execFileSync('tmux', ['send-keys', '-t', session, '-l', text]);
  execFileSync('tmux', ['send-keys', '-t', session, 'Enter']);
};
try {
  await waitFor(/Account alias/);
  type('acme-prod');
  await waitFor(/Admin user name/);
  type('alice');
  await waitFor(/Security contact email/);
  type('security@acme.example');
  await waitFor(/Security contact phone/);
  type('+1 206 555 0100');
  await waitFor(/Apply these changes\?/);
  const plan = await browser.newPage({ viewport: { width: 700, height: 440 }, deviceScaleFactor: 2 });
  await plan.setContent(screenPage(screen(true)));
  await plan.locator('pre').screenshot({ path: join(images, 'plan.png') });
  type('');
  await waitFor(/First MFA code from the app/);
  const page = await browser.newPage({ viewport: { width: 700, height: 440 }, deviceScaleFactor: 2 });
  await page.setContent(screenPage(screen(true)));
  await page.locator('pre').screenshot({ path: join(images, 'wizard.png') });
} finally {
  execFileSync('tmux', ['kill-session', '-t', session]);
}

// 2. The HTML report of an account with a few things to fix.
const auditEnv = await freshAccount();
const report = join(dir, 'audit.html');
await new Promise((done) => {
  const child = spawn(process.execPath, [cli, 'init', '--yes', '--alias', 'acme-dev', '--admin-user', 'bob', '--no-mfa', '--no-security-contact', '--endpoint-url', emulator.url], { env: { ...process.env, ...auditEnv }, cwd: dir, stdio: 'ignore' });
  child.on('close', done);
});
await new Promise((done) => {
  const child = spawn(process.execPath, [cli, 'audit', '--report', `html=${report}`, '--endpoint-url', emulator.url], { env: { ...process.env, ...auditEnv }, cwd: dir, stdio: 'ignore' });
  child.on('close', done);
});
const html = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
await html.goto(`file://${report}`);
await html.screenshot({ path: join(images, 'report.png') });
await browser.close();
console.log(`wrote ${join(images, 'plan.png')}, ${join(images, 'wizard.png')} and ${join(images, 'report.png')}`);
process.exit(0);
