#!/usr/bin/env node
// `npm run demo`: iam-bootstrap against the moto AWS emulator, no AWS account needed.
// Starts moto_server on a free loopback port, runs a scripted `init`, re-runs it to show it converges,
// and stops the emulator. Files land in a temporary folder that is printed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');

if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) {
  console.error('The demo needs the moto AWS emulator: pip install "moto[server]"');
  process.exit(1);
}

const port = await new Promise((done) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port: p } = s.address();
    s.close(() => done(p));
  });
});
const endpoint = `http://127.0.0.1:${port}`;
const moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
  env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  stdio: 'ignore',
});
process.on('exit', () => moto.kill());

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
  } catch {
    // not up yet
  }
  if (i > 150) throw new Error('moto_server did not start');
  await new Promise((r) => setTimeout(r, 200));
}

const dir = mkdtempSync(join(tmpdir(), 'iam-bootstrap-demo-'));
// moto accepts any credentials; these are placeholders, not secrets.
const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIADEMO', AWS_SECRET_ACCESS_KEY: 'demo', AWS_REGION: 'us-east-1' };
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;
const args = ['init', '--yes', '--alias', 'demo-account', '--admin-user', 'demo-admin', '--tag', 'owner=demo',
  '--mfa-secret-file', join(dir, 'demo-admin.otp'), '--endpoint-url', endpoint];

const run = (extra) => {
  console.log(`\n$ iam-bootstrap ${[...args, ...extra].join(' ')}\n`);
  return spawnSync(process.execPath, [cli, ...args, ...extra], { env, cwd: dir, stdio: 'inherit' }).status;
};

let status = run([]);
if (status === 0) {
  console.log('\n--- the same command again: every step is already in place ---');
  status = run([]);
}
console.log(`\nDemo files (credentials CSV and MFA secret, mode 0600) are in ${dir}`);
process.exit(status ?? 1);
