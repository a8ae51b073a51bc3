#!/usr/bin/env node
// `npm run bench`: how long `iam-bootstrap audit` takes on the moto emulator, and how many AWS calls it makes,
// against the same reads done one by one with the AWS CLI (as a shell-script audit would).
// Not a test: it prints figures. Usage: npm run bench [-- --users 20 --runs 3]
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { hasMoto, startMoto } from './moto.mjs';

const { values } = parseArgs({ options: { users: { type: 'string', default: '20' }, runs: { type: 'string', default: '3' } } });
const USERS = Number(values.users);
const RUNS = Number(values.runs);
const cli = resolve(import.meta.dirname, '../bin/iam-bootstrap.js');
if (!Number.isInteger(USERS) || USERS < 1 || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error('--users and --runs must be whole numbers of at least 1.');
  process.exit(2);
}

if (!hasMoto() || spawnSync('aws', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.error('The benchmark needs moto_server and the AWS CLI (pip install "moto[server]" awscli).');
  process.exit(1);
}
const moto = await startMoto();
process.on('exit', () => moto.stop());
// moto accepts any credentials; these are placeholders.
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'AKIABENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ENDPOINT_URL: moto.url,
  AWS_PAGER: '',
};
delete env.AWS_PROFILE;
// stderr is captured, not shown: the expected NoSuchEntity and not-in-an-Organization answers would clutter the figures.
const aws = (...args) => execFileSync('aws', [...args, '--output', 'json'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

// An account worth auditing: U users in two groups, keys, console passwords, a customer policy.
console.log(`Populating an account with ${USERS} users on ${moto.url} …`);
aws('iam', 'create-group', '--group-name', 'Administrators');
aws('iam', 'attach-group-policy', '--group-name', 'Administrators', '--policy-arn', 'arn:aws:iam::aws:policy/AdministratorAccess');
aws('iam', 'create-group', '--group-name', 'Developers');
const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
aws('iam', 'create-policy', '--policy-name', 'S3All', '--policy-document', doc);
for (let i = 0; i < USERS; i++) {
  const name = `user${i}`;
  aws('iam', 'create-user', '--user-name', name);
  aws('iam', 'add-user-to-group', '--user-name', name, '--group-name', i % 5 === 0 ? 'Administrators' : 'Developers');
  if (i % 2 === 0) aws('iam', 'create-login-profile', '--user-name', name, '--password', 'Bench-Password-123!');
  if (i % 3 === 0) aws('iam', 'create-access-key', '--user-name', name);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. iam-bootstrap audit, the whole process (Node start-up included), RUNS times.
const ours = [];
const inside = [];
let calls = 0;
let checks = 0;
for (let r = 0; r < RUNS; r++) {
  const t = performance.now();
  const run = spawnSync(process.execPath, [cli, 'audit', '--json', '--verbose'], { env, encoding: 'utf8' });
  ours.push(performance.now() - t);
  // audit exits 1 here (the account is deliberately insecure); anything else means the figures are meaningless.
  if (run.status !== 1) throw new Error(`iam-bootstrap audit exited ${run.status}:\n${run.stderr}`);
  const [, n, ms] = /audit: (\d+) AWS calls in (\d+) ms/.exec(run.stderr) ?? [];
  calls = Number(n);
  checks = JSON.parse(run.stdout).accounts[0].checks.length;
  inside.push(Number(ms));
}

// 2. The same reads with the AWS CLI, one command after another.
function cliAudit() {
  let n = 0;
  const call = (...args) => {
    n += 1;
    return JSON.parse(aws(...args) || '{}');
  };
  call('sts', 'get-caller-identity');
  try {
    call('organizations', 'describe-organization');
  } catch {
    // not in an Organization
  }
  call('iam', 'get-account-summary');
  call('iam', 'generate-credential-report');
  call('iam', 'get-credential-report');
  call('iam', 'list-account-aliases');
  try {
    call('iam', 'get-account-password-policy');
  } catch {
    // none
  }
  call('iam', 'list-virtual-mfa-devices', '--assignment-status', 'Assigned');
  const { Users = [] } = call('iam', 'list-users');
  for (const u of Users) {
    call('iam', 'list-attached-user-policies', '--user-name', u.UserName);
    call('iam', 'list-user-policies', '--user-name', u.UserName);
    call('iam', 'list-groups-for-user', '--user-name', u.UserName);
  }
  const { Groups = [] } = call('iam', 'list-groups');
  for (const g of Groups) {
    call('iam', 'list-attached-group-policies', '--group-name', g.GroupName);
    call('iam', 'list-group-policies', '--group-name', g.GroupName);
  }
  const { Policies = [] } = call('iam', 'list-policies', '--scope', 'Local');
  for (const p of Policies) call('iam', 'get-policy-version', '--policy-arn', p.Arn, '--version-id', p.DefaultVersionId);
  call('iam', 'list-entities-for-policy', '--policy-arn', 'arn:aws:iam::aws:policy/AWSSupportAccess', '--entity-filter', 'Role');
  call('iam', 'list-server-certificates');
  return n;
}
const theirs = [];
let cliCalls = 0;
for (let r = 0; r < RUNS; r++) {
  const t = performance.now();
  cliCalls = cliAudit();
  theirs.push(performance.now() - t);
}

const ms = (x) => `${Math.round(x)} ms`;
console.log(`\n${USERS} user${USERS === 1 ? '' : 's'}, median of ${RUNS} runs on moto:`);
console.log(`  iam-bootstrap audit (${checks} checks, whole process): ${ms(median(ours))}, ${calls} AWS calls (${ms(median(inside))} of them auditing)`);
console.log(`  the same reads with the AWS CLI, one by one:    ${ms(median(theirs))}, ${cliCalls} commands`);
console.log(`  ratio: the AWS CLI takes ${(median(theirs) / median(ours)).toFixed(1)}× as long`);
