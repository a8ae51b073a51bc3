// `npm run bench`, the account defaults: a default scripted `init` on a new account whose 17 default regions are
// all enabled, with 100 ms added to every AWS answer (the test double holds each one), and what `audit`'s checks of
// those defaults add to an audit's wall time. Targets: init within 10 s; the new checks at most one round trip more
// in the audit's longest chain of dependent calls.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EC2Client, GetEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_REGIONS } from './aws-double.mjs';
import { startEmulator } from './moto.mjs';

const LATENCY_MS = 100;
/** Latency at which the audit's added round trips are counted: CPU time is then small beside one round trip. */
const DEPTH_LATENCY_MS = 400;
const INIT_TARGET_MS = 10_000;
const AUDIT_RUNS = 5;
const NEW_CHECKS = ['s3-account-public-access-block', 'ebs-default-encryption', 'snapshot-public-access', 'ami-public-access', 'imds-defaults', 'budget-alert', 'cloudtrail-multi-region', 'guardduty'];
const cli = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');
const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** How long, between `from` and `to`, the emulator was answering at least one request (the union of their spans). */
export function busyTime(exchanges, from, to) {
  const spans = exchanges.filter((e) => e.started >= from && e.ended <= to).sort((a, b) => a.started - b.started);
  let busy = 0;
  let reach = from;
  for (const e of spans) {
    if (e.ended > reach) busy += e.ended - Math.max(e.started, reach);
    reach = Math.max(reach, e.ended);
  }
  return busy;
}

function run(args, env) {
  return new Promise((done, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr, started, ended: performance.now(), wall: performance.now() - started }));
  });
}

/** @returns {Promise<boolean>} whether both targets were met */
export async function benchAccountDefaults() {
  const exchanges = [];
  const emulator = await startEmulator({ latencyMs: LATENCY_MS, onForwarded: (e) => exchanges.push(e) });
  try {
    // A new account of its own (moto keeps state per account id), reached without the added latency.
    const sts = new STSClient({ region: 'us-east-1', endpoint: emulator.motoUrl, credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench' } });
    const accountId = `5${String(Date.now()).slice(-11)}`;
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'bench' }));
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    // moto builds an account's EC2 state in a region on its first call there: done here, uncounted, as for audit.
    await Promise.all(DEFAULT_REGIONS.map((region) => new EC2Client({ region, endpoint: emulator.motoUrl, credentials }).send(new GetEbsEncryptionByDefaultCommand({}))));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: emulator.url,
    };
    delete env.AWS_PROFILE;
    const dir = mkdtempSync(join(tmpdir(), 'bench-defaults-'));
    const args = ['init', '--yes', '--json', '--verbose', '--alias', `bench-${accountId}`, '--admin-user', 'alice', '--mfa-secret-file', join(dir, 'alice.otp'),
      '--security-contact-email', 'security@example.com', '--security-contact-phone', '+1 206 555 0100', '--budget-amount', '100'];
    const init = await run(args, env);
    if (init.code !== 0) throw new Error(`iam-bootstrap init exited ${init.code}:\n${init.stderr}`);
    const steps = JSON.parse(init.stdout).steps;
    const regional = ['ebs-encryption', 'snapshot-block-public-access', 'ami-block-public-access', 'imds-defaults'];
    for (const id of regional) {
      const step = steps.find((s) => s.id === id);
      if (step?.status !== 'create' || !step.summary.includes(`in ${DEFAULT_REGIONS.length} of ${DEFAULT_REGIONS.length} regions`)) throw new Error(`${id}: ${step?.status} ${step?.summary}`);
    }
    const calls = init.stderr.split('\n').filter((l) => /^aws /.test(l)).length;
    const initMet = init.wall <= INIT_TARGET_MS;
    console.log(`\nAccount defaults, ${DEFAULT_REGIONS.length} regions, ${LATENCY_MS} ms added to every AWS answer:`);
    console.log(`  a default scripted init on a new account (every step, the admin with MFA, a budget): ${ms(init.wall)}, ${calls} AWS calls ` +
      `(target: at most ${ms(INIT_TARGET_MS)}: ${initMet ? 'met' : 'MISSED'})`);

    // audit with and without the new checks, alternately, so both see the same machine load. At 100 ms a call the
    // difference is also CPU (this machine runs moto and parses the extra SDK clients and answers); at 400 ms a call
    // it is the round trips the new checks add to the audit's longest chain of dependent calls.
    const compare = async (latency) => {
      await fetch(`${emulator.url}/__double/latency/${latency}`, { method: 'POST' });
      const withNew = [];
      const without = [];
      const busyWith = [];
      const busyWithout = [];
      let calls = 0;
      for (let i = 0; i < AUDIT_RUNS; i++) {
        const a = await run(['audit', '--json', '--verbose'], env);
        const b = await run(['audit', '--json', '--verbose', '--exclude-check', NEW_CHECKS.join(',')], env);
        for (const r of [a, b]) if (r.code !== 1) throw new Error(`iam-bootstrap audit exited ${r.code}:\n${r.stderr}`);
        withNew.push(a.wall);
        without.push(b.wall);
        busyWith.push(busyTime(exchanges, a.started, a.ended));
        busyWithout.push(busyTime(exchanges, b.started, b.ended));
        exchanges.length = 0;
        const count = (r) => Number(/audit: (\d+) AWS calls/.exec(r.stderr)?.[1] ?? 0);
        calls = count(a) - count(b);
      }
      return { withNew: median(withNew), without: median(without), added: median(withNew) - median(without), calls, emulatorAdded: median(busyWith) - median(busyWithout) };
    };
    const near = await compare(LATENCY_MS);
    const far = await compare(DEPTH_LATENCY_MS);
    const depth = far.added / DEPTH_LATENCY_MS;
    const auditMet = depth <= 1;
    console.log(`  audit, median of ${AUDIT_RUNS}, ${near.calls} more AWS calls with the ${NEW_CHECKS.length} account-default checks ` +
      `(${(near.calls / DEFAULT_REGIONS.length).toFixed(1)} per region, none per user):`);
    console.log(`    at ${LATENCY_MS} ms a call: ${ms(near.withNew)} with them, ${ms(near.without)} without: ${ms(near.added)} added, ` +
      `of which moto, answering on this machine, was busy ${ms(near.emulatorAdded)} more`);
    console.log(`    at ${DEPTH_LATENCY_MS} ms a call: ${ms(far.withNew)} with them, ${ms(far.without)} without: ${ms(far.added)} added, ` +
      `${depth.toFixed(2)} round trips (target: at most one: ${auditMet ? 'met' : 'MISSED'})`);
    return initMet && auditMet;
  } finally {
    emulator.stop();
  }
}

// Run by itself: node scripts/bench-defaults.mjs (after npm run build).
if (process.argv[1] === import.meta.filename) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const ok = await benchAccountDefaults();
  process.exit(ok ? 0 : 1);
}
