#!/usr/bin/env node
// `npm run bench`: what `iam-bootstrap audit` costs on the moto emulator — AWS calls, wall time, peak memory —
// as an account grows, and for a whole Organization, beside the AWS CLI doing the same reads.
// Not a test: it prints figures (and stops with an error if the audit's answer is wrong, since then they mean nothing).
//
//   npm run bench [-- --users 1,500,5000 --accounts 50 --runs 3 --cli-users 20 --startup-runs 21]
//
// First, start-up: `--help` and `--version` against a bare `node -e 0`, in pairs run back to back (so both see the
// same machine load), the median ratio of each; the target is at most 1.5×, and the bench stops if it is missed.
// Then the privilege-escalation analysis on generated authorization details (scripts/bench-escalation.mjs), and the
// account defaults over 17 regions with 100 ms added to every AWS answer (scripts/bench-defaults.mjs).
// --users     account sizes to measure, each in a fresh emulator state (each user: console password, access key, group)
// --accounts  also audit an Organization of this many member accounts with --org --format jsonl (0: skip)
// --runs      audits per size; the median is printed
// --startup-runs pairs of start-up runs (odd: the median is one of them)
// --cli-users the per-user AWS CLI script (what a shell-script audit does) runs on at most this many users and is
//             extrapolated beyond, since at 5,000 users it would take hours
import { execFile, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { AddUserToGroupCommand, AttachGroupPolicyCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateLoginProfileCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { AccessAnalyzerClient, ConflictException, CreateAnalyzerCommand } from '@aws-sdk/client-accessanalyzer';
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { benchAccountDefaults, busyTime } from './bench-defaults.mjs';
import { benchEscalation } from './bench-escalation.mjs';
import { hasMoto, startEmulator } from './moto.mjs';

// The SDK's notice that its future releases need Node 22 would only clutter the figures (the CLI silences it too).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1,2000' },
    accounts: { type: 'string', default: '0' },
    runs: { type: 'string', default: '3' },
    'cli-users': { type: 'string', default: '20' },
    'startup-runs': { type: 'string', default: '21' },
  },
});
const wholeNumber = (text, min) => (/^\d+$/.test(text) && Number(text) >= min ? Number(text) : undefined);
const SIZES = values.users.split(',').map((u) => wholeNumber(u.trim(), 1));
const ACCOUNTS = wholeNumber(values.accounts, 0);
const RUNS = wholeNumber(values.runs, 1);
const CLI_USERS = wholeNumber(values['cli-users'], 1);
const STARTUP_RUNS = wholeNumber(values['startup-runs'], 1);
if (SIZES.includes(undefined) || ACCOUNTS === undefined || RUNS === undefined || CLI_USERS === undefined || STARTUP_RUNS === undefined) {
  console.error('--users takes whole numbers of at least 1 (comma-separated); --runs and --cli-users at least 1; --accounts at least 0.');
  process.exit(2);
}
/** Wall time of one process run, in ms. */
function timed(args) {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

{
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fmt = (x) => `${Math.round(x)} ms`;
  const cliPath = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');
  console.log(`Start-up (${STARTUP_RUNS} pairs, each beside a bare \`node -e 0\`):`);
  let missed = false;
  for (const flag of ['--help', '--version']) {
    timed([cliPath, flag]); // warm the file cache
    const pairs = Array.from({ length: STARTUP_RUNS }, () => {
      const bare = timed(['-e', '0']);
      return { bare, cli: timed([cliPath, flag]) };
    });
    const ratio = med(pairs.map((p) => p.cli / p.bare));
    missed ||= ratio > 1.5;
    console.log(`  ${flag.padEnd(10)} ${fmt(med(pairs.map((p) => p.cli)))} against ${fmt(med(pairs.map((p) => p.bare)))}: ${ratio.toFixed(2)}× (target ≤ 1.5×)`);
  }
  if (missed) {
    console.error('Start-up is over 1.5× a bare Node: something heavy is loaded before a command runs (see test/integration/cli.test.ts, "start-up").');
    process.exit(1);
  }
  console.log('');
}

if (!benchEscalation()) {
  console.error('The privilege-escalation analysis missed its target (1 s and 150 MB at 5,000 users, linear growth): see scripts/bench-escalation.mjs.');
  process.exit(1);
}

if (!hasMoto() || spawnSync('aws', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('The benchmark needs moto_server and the AWS CLI (pip install "moto[server]" awscli).');
  process.exit(1);
}

if (!(await benchAccountDefaults())) {
  console.error('The account defaults missed a target (init within 10 s over 17 regions at 100 ms a call; audit\'s checks of them within one round trip): see scripts/bench-defaults.mjs.');
  process.exit(1);
}

// Every request moto answers, with how long moto took: the emulator's share of an audit's time.
const exchanges = [];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const emulator = await startEmulator({ regions: REGIONS, onForwarded: (e) => exchanges.push(e) });
process.on('exit', () => emulator.stop());

// moto accepts any credentials; these are placeholders.
const credentials = { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench' };
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: emulator.url,
  AWS_PAGER: '',
};
delete env.AWS_PROFILE;
delete env.AWS_SESSION_TOKEN;
const cli = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');
// Populating goes straight to moto, with the SDK, many calls at a time (the AWS CLI one by one would take hours).
const sdkConfig = { region: 'us-east-1', endpoint: emulator.motoUrl, credentials, maxAttempts: 5 };
const iam = new IAMClient(sdkConfig);

const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;
const duration = (x) => (x < 120_000 ? `${(x / 1000).toFixed(1)} s` : x < 7_200_000 ? `${Math.round(x / 60_000)} min` : `${(x / 3_600_000).toFixed(1)} h`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

async function inParallel(count, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function resetEmulator() {
  const r = await fetch(`${emulator.motoUrl}/moto-api/reset`, { method: 'POST' });
  if (!r.ok) throw new Error(`moto reset answered HTTP ${r.status}`);
}

/** An account worth auditing: N users, each with a console password, an access key and a group; an analyzer per region. */
async function populate(users) {
  // The double keeps analyzers across moto resets: the second size finds them there already.
  for (const region of REGIONS) {
    const analyzer = new AccessAnalyzerClient({ ...sdkConfig, region, endpoint: emulator.url });
    await analyzer.send(new CreateAnalyzerCommand({ analyzerName: 'bench', type: 'ACCOUNT' })).catch((err) => {
      if (!(err instanceof ConflictException)) throw err;
    });
    analyzer.destroy();
  }
  await iam.send(new CreateGroupCommand({ GroupName: 'Administrators' }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'Administrators', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }));
  await iam.send(new CreateGroupCommand({ GroupName: 'Developers' }));
  const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
  await iam.send(new CreatePolicyCommand({ PolicyName: 'S3All', PolicyDocument: doc }));
  await inParallel(users, 16, async (i) => {
    const UserName = `user${i}`;
    await iam.send(new CreateUserCommand({ UserName }));
    await iam.send(new AddUserToGroupCommand({ UserName, GroupName: i % 5 === 0 ? 'Administrators' : 'Developers' }));
    await iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Bench-Password-123!' }));
    await iam.send(new CreateAccessKeyCommand({ UserName }));
  });
}

/** Runs the CLI without blocking this process (the test double answers from it), collecting its output. */
function runCli(args, onLine) {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        onLine?.(pending.slice(0, nl), performance.now() - started);
        pending = pending.slice(nl + 1);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr, started, ended: performance.now() }));
  });
}

const ENTITY_FILTERS = ['User', 'Group', 'Role', 'LocalManagedPolicy'];

/**
 * moto's own time for each GetAccountAuthorizationDetails read the audit makes, alone and unparsed: the request
 * as the SDK sends it, timed until the last byte of the answer.
 */
async function emulatorDetailsTimes() {
  const times = [];
  for (const filter of ENTITY_FILTERS) {
    const t = performance.now();
    const r = await fetch(emulator.motoUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: `Action=GetAccountAuthorizationDetails&Version=2010-05-08&Filter.member.1=${filter}&MaxItems=1000`,
    });
    const bytes = (await r.arrayBuffer()).byteLength;
    if (!r.ok) throw new Error(`moto answered GetAccountAuthorizationDetails(${filter}) with HTTP ${r.status}`);
    times.push({ filter, ms: performance.now() - t, bytes });
  }
  return times;
}

/** `audit: 17 AWS calls in 812 ms; none retried; peak memory 80 MB` → its figures. */
function verboseSummary(stderr) {
  const m = /audit: (\d+) AWS calls in (\d+) ms; (?:none retried|(\d+) retried [^;]*); peak memory (\d+) MB/.exec(stderr);
  if (!m) throw new Error(`no --verbose summary in the audit's output:\n${stderr}`);
  return { calls: Number(m[1]), auditMs: Number(m[2]), retried: Number(m[3] ?? 0), peakMb: Number(m[4]) };
}

/** How long moto was answering something during [from, to]: the union of its busy intervals. */
function emulatorBusy(from, to) {
  const busy = busyTime(exchanges, from, to);
  exchanges.length = 0; // measured; the next run starts afresh
  return busy;
}

/** The audit's answer must be right, or its timings are meaningless. */
function checkAnswer(doc, users) {
  const [account] = doc.accounts;
  const consoleMfa = account.checks.find((c) => c.id === 'console-mfa');
  if (consoleMfa.status !== 'fail' || consoleMfa.resources.length !== users) {
    throw new Error(`console-mfa should list all ${users} users without MFA, found ${consoleMfa.resources.length} (${consoleMfa.status})`);
  }
  // No check may be in error: every read the audit makes is answered (by moto or the test double).
  const errors = account.checks.filter((c) => c.status === 'error');
  if (errors.length) throw new Error(`checks in error: ${errors.map((c) => `${c.id}: ${c.detail}`).join('; ')}`);
}

const execFileAsync = promisify(execFile);
async function aws(args, extraEnv = {}) {
  try {
    const { stdout } = await execFileAsync('aws', [...args, '--output', 'json'], { env: { ...env, ...extraEnv }, maxBuffer: 1 << 30 });
    return stdout ? JSON.parse(stdout) : {};
  } catch (err) {
    // The expected NoSuchEntity / not-in-an-Organization answers: a shell script carries on too.
    if (typeof err.code === 'number') return {};
    throw err;
  }
}

/** The reads `iam-bootstrap audit` makes, one AWS CLI command each (the CLI follows pages itself). */
const SAME_READS = [
  ['sts', 'get-caller-identity'],
  ['organizations', 'describe-organization'],
  ['account', 'list-regions', '--region-opt-status-contains', 'ENABLED', 'ENABLED_BY_DEFAULT'],
  ...REGIONS.map((region) => ['accessanalyzer', 'list-analyzers', '--region', region]),
  ['iam', 'list-account-aliases'],
  ['iam', 'generate-credential-report'],
  ['iam', 'get-credential-report'],
  ['iam', 'get-account-summary'],
  ['iam', 'get-account-password-policy'],
  ['iam', 'list-server-certificates'],
  ['iam', 'list-entities-for-policy', '--policy-arn', 'arn:aws:iam::aws:policy/AWSSupportAccess', '--entity-filter', 'Role'],
  ['iam', 'list-entities-for-policy', '--policy-arn', 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess'],
  ['account', 'get-alternate-contact', '--alternate-contact-type', 'SECURITY'],
  ...ENTITY_FILTERS.map((f) => ['iam', 'get-account-authorization-details', '--filter', f]),
];

async function cliSameReads(extraEnv) {
  const t = performance.now();
  for (const args of SAME_READS) await aws(args, extraEnv);
  return performance.now() - t;
}

/** A shell-script audit: the per-user reads, on the first `sample` users; extrapolated to all of them. */
async function cliPerUser(users) {
  const sample = Math.min(users, CLI_USERS);
  const { Users = [] } = await aws(['iam', 'list-users']);
  const t = performance.now();
  for (const u of Users.slice(0, sample)) {
    await aws(['iam', 'list-attached-user-policies', '--user-name', u.UserName]);
    await aws(['iam', 'list-user-policies', '--user-name', u.UserName]);
    await aws(['iam', 'list-groups-for-user', '--user-name', u.UserName]);
  }
  const perUser = (performance.now() - t) / sample;
  return { sample, perUser, commands: 3 * users };
}

// 1. One account, growing.
const results = [];
for (const users of SIZES) {
  await resetEmulator();
  console.log(`\n${plural(users, 'user')}: populating the account …`);
  const populated = performance.now();
  await populate(users);
  console.log(`  populated in ${duration(performance.now() - populated)}`);

  const runs = [];
  // One audit first, not counted: the emulator's first answers to a fresh state are slow (it loads lazily).
  for (let r = -1; r < RUNS; r++) {
    const run = await runCli(['audit', '--json', '--verbose']);
    // audit exits 1 here (the account is deliberately insecure); anything else means the figures are meaningless.
    if (run.code !== 1) throw new Error(`iam-bootstrap audit exited ${run.code}:\n${run.stderr}`);
    checkAnswer(JSON.parse(run.stdout), users);
    const busy = emulatorBusy(run.started, run.ended);
    if (r >= 0) runs.push({ wall: run.ended - run.started, ...verboseSummary(run.stderr), busy });
  }
  const details = await emulatorDetailsTimes();
  const pick = (key) => median(runs.map((r) => r[key]));
  const mid = runs.find((r) => r.wall === pick('wall'));
  const cliTimes = [];
  for (let r = 0; r < RUNS; r++) cliTimes.push(await cliSameReads());
  const perUser = await cliPerUser(users);
  const cliSame = median(cliTimes);
  results.push({ users, wall: pick('wall'), calls: mid.calls, retried: mid.retried, peakMb: Math.max(...runs.map((r) => r.peakMb)), auditMs: pick('auditMs'), busy: pick('busy'), details, cliSame, perUser });

  console.log(`  iam-bootstrap audit, median of ${RUNS}: ${ms(pick('wall'))} whole process (${ms(pick('auditMs'))} auditing), ` +
    `${mid.calls} AWS calls, ${mid.retried} retried, peak memory ${Math.max(...runs.map((r) => r.peakMb))} MB`);
  console.log(`    moto was busy answering for ${ms(pick('busy'))} of it; GetAccountAuthorizationDetails alone takes moto ` +
    details.map((d) => `${ms(d.ms)} (${d.filter}, ${d.bytes < 1e6 ? `${Math.ceil(d.bytes / 1e3)} kB` : `${(d.bytes / 1e6).toFixed(1)} MB`})`).join(', '));
  console.log(`  the same reads with the AWS CLI (${SAME_READS.length} commands, one by one): ${ms(cliSame)}`);
  console.log(`  a per-user AWS CLI script (those reads and 3 per user: ${plural(perUser.commands, 'command')} more): ` +
    `${perUser.sample === users ? '' : 'estimated '}${duration(cliSame + perUser.perUser * users)}` +
    (perUser.sample === users ? '' : ` (measured on ${plural(perUser.sample, 'user')}: ${ms(perUser.perUser)} per user)`));
}

if (results.length > 1) {
  console.log('\nSummary (median wall time of the whole audit process):');
  for (const r of results) {
    console.log(`  ${plural(r.users, 'user').padEnd(12)} ${ms(r.wall).padStart(10)}  ${String(r.calls).padStart(3)} AWS calls  ` +
      `${String(r.peakMb).padStart(4)} MB  moto ${ms(r.busy).padStart(9)}  AWS CLI same reads ${ms(r.cliSame).padStart(9)}`);
  }
  const [first] = results;
  for (const r of results.slice(1)) console.log(`  ${plural(r.users, 'user')} takes ${(r.wall / first.wall).toFixed(2)}× the time of ${plural(first.users, 'user')}`);
}

// 2. An Organization: the management account and ACCOUNTS members, streamed with --format jsonl.
if (ACCOUNTS > 0) {
  await resetEmulator();
  console.log(`\nAn Organization of ${plural(ACCOUNTS, 'member account')}: creating it …`);
  const orgs = new OrganizationsClient(sdkConfig);
  await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  await inParallel(ACCOUNTS, 8, (n) => orgs.send(new CreateAccountCommand({ AccountName: `member-${n}`, Email: `member-${n}@example.com` })));

  const lines = [];
  const run = await runCli(['audit', '--org', '--format', 'jsonl', '--verbose'], (line, at) => {
    // Each line must be a JSON document by itself, the moment it is printed.
    lines.push({ doc: JSON.parse(line), at });
  });
  if (run.code !== 1) throw new Error(`iam-bootstrap audit --org exited ${run.code}:\n${run.stderr}`);
  const accountLines = lines.filter((l) => l.doc.type === 'account');
  const summary = lines.at(-1)?.doc;
  if (accountLines.length !== ACCOUNTS + 1 || summary?.type !== 'summary' || lines.length !== ACCOUNTS + 2) {
    throw new Error(`expected ${ACCOUNTS + 1} account lines and a summary, got ${lines.map((l) => l.doc.type).join(',')}`);
  }
  const failed = accountLines.filter((l) => l.doc.error !== null);
  if (failed.length) throw new Error(`accounts not audited: ${failed.map((l) => `${l.doc.accountId}: ${l.doc.error}`).join('; ')}`);
  const figures = verboseSummary(run.stderr);
  const wall = run.ended - run.started;
  const unimplemented = [...new Set(exchanges.filter((e) => e.status === 500 && e.started >= run.started).map((e) => e.operation))];
  const busy = emulatorBusy(run.started, run.ended);

  // The AWS CLI: one member account measured (assume its role, the same reads), times the number of accounts.
  const t = performance.now();
  const { Accounts = [] } = await aws(['organizations', 'list-accounts']);
  const member = Accounts.find((a) => a.Name === 'member-0');
  const { Credentials: c } = await aws(['sts', 'assume-role', '--role-arn', `arn:aws:iam::${member.Id}:role/OrganizationAccountAccessRole`, '--role-session-name', 'bench']);
  await cliSameReads({ AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken });
  const cliOneMember = performance.now() - t;

  console.log(`  iam-bootstrap audit --org --format jsonl: ${ms(wall)} whole process, ${figures.calls} AWS calls, ` +
    `${figures.retried} retried, peak memory ${figures.peakMb} MB; moto was busy answering for ${ms(busy)} of it`);
  if (unimplemented.length) {
    console.log(`    moto answers ${unimplemented.join(', ')} with HTTP 500 (not implemented); the audit retries it as it would ` +
      'a real AWS 500, with backoff, before reporting that check as an error');
  }
  console.log(`    ${lines.length} lines, each valid JSON when printed: ${accountLines.length} accounts and the summary; ` +
    `the first account after ${ms(accountLines[0].at)}, the last after ${ms(accountLines.at(-1).at)}`);
  console.log(`  the AWS CLI, one account after another (assume-role + the same reads): estimated ${duration(cliOneMember * (ACCOUNTS + 1))} ` +
    `(one member account measured: ${ms(cliOneMember)})`);
}
// The test double's server would keep this process alive; 'exit' stops the emulator.
process.exit(0);
