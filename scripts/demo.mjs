#!/usr/bin/env node
// `npm run demo`: iam-bootstrap against the moto AWS emulator, no AWS account needed.
// Starts moto_server (behind the test double for what moto lacks) on a free loopback port, runs a scripted `init`, re-runs it to show it converges,
// audits the result, and stops the emulator. Files land in a temporary folder that is printed at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasMoto, startEmulator } from './moto.mjs';

const cli = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');

if (!hasMoto()) {
  console.error('The demo needs the moto AWS emulator: pip install "moto[server]"');
  process.exit(1);
}
// moto, behind a small test double for the calls moto lacks (account:ListRegions, IAM Access Analyzer).
const emulator = await startEmulator({ regions: ['us-east-1', 'us-west-2', 'eu-west-1'] });
const endpoint = emulator.url;
process.on('exit', () => emulator.stop());

const dir = mkdtempSync(join(tmpdir(), 'iam-bootstrap-demo-'));
// moto accepts any credentials; these are placeholders, not secrets.
const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIADEMO', AWS_SECRET_ACCESS_KEY: 'demo', AWS_REGION: 'us-east-1' };
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;
const args = ['init', '--yes', '--alias', 'demo-account', '--admin-user', 'demo-admin', '--tag', 'owner=demo',
  '--security-contact-email', 'security@example.com', '--security-contact-phone', '+1 206 555 0100',
  '--mfa-secret-file', join(dir, 'demo-admin.otp'), '--endpoint-url', endpoint];

// Asynchronously: the test double answers from this very process, so blocking it (spawnSync) would deadlock.
const cliRun = (argv) =>
  new Promise((resolveRun) => {
    const child = spawn(process.execPath, [cli, ...argv], { env, cwd: dir, stdio: 'inherit' });
    child.on('close', (code) => resolveRun(code));
  });
const run = (extra) => {
  console.log(`\n$ iam-bootstrap ${[...args, ...extra].join(' ')}\n`);
  return cliRun([...args, ...extra]);
};

let status = await run([]);
if (status === 0) {
  console.log('\n--- the same command again: every step is already in place ---');
  status = await run([]);
}
if (status === 0) {
  // The audit exits 1 here: the emulated root user has no MFA, which only a person can fix in the console.
  console.log(`\n$ iam-bootstrap audit --endpoint-url ${endpoint}\n`);
  await cliRun(['audit', '--endpoint-url', endpoint]);
}
console.log(`\nDemo files (credentials CSV and MFA secret, mode 0600) are in ${dir}`);
process.exit(status ?? 1);
