// Part of `npm run bench`: what the privilege-escalation analysis adds to an audit. It is pure (no AWS call), so it
// runs on generated authorization details, in a child process per size so that each peak memory is its own:
// 100 groups, 500 customer policies and 1,000 roles, with 500, 2,000 and 5,000 users. Targets at 5,000 users:
// at most 1 s and 150 MB more than the details themselves, and time per user no worse than linear.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const ACCOUNT = '123456789012';
const arn = (kind, name) => `arn:aws:iam::${ACCOUNT}:${kind}/${name}`;
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** URL-encoded, as GetAccountAuthorizationDetails returns documents. */
const enc = (...Statement) => encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement }));
const allow = (Action, Resource = '*', extra = {}) => ({ Effect: 'Allow', Action, Resource, ...extra });
const SERVICES = ['s3', 'ec2', 'dynamodb', 'sqs', 'sns', 'lambda', 'logs', 'cloudwatch', 'kms', 'ssm', 'ecr', 'ecs', 'rds', 'glue', 'athena'];
const TRUSTED = ['lambda.amazonaws.com', 'ec2.amazonaws.com', 'ecs-tasks.amazonaws.com', 'glue.amazonaws.com', 'codebuild.amazonaws.com', 'config.amazonaws.com'];

/** The administrator role that trusts Lambda (admin: every 20th; Lambda: index 0 of TRUSTED; not every 7th). */
const LAMBDA_ADMIN_ROLE = 'app-60';

/**
 * An account of this shape, deterministic: every 97th user can escalate by lambda-001 (PassRole to the Lambda
 * administrator role, with Lambda create and invoke) unless it is an administrator already (every 250th).
 */
export function generateDetails(users, { groups = 100, policies = 500, roles = 1000 } = {}) {
  const policyList = [
    { PolicyName: 'AdministratorAccess', Arn: ADMIN, AttachmentCount: 1, PolicyVersionList: [{ Document: enc(allow('*')), IsDefaultVersion: true, VersionId: 'v1' }] },
  ];
  for (let p = 0; p < policies; p += 1) {
    const service = SERVICES[p % SERVICES.length];
    const statements = [
      allow([`${service}:Get*`, `${service}:List*`, `${service}:Describe*`]),
      allow([`${service}:Put*`, `${service}:Create*`], `arn:aws:${service}:*:${ACCOUNT}:team-${p % 40}-*`),
    ];
    if (p % 10 === 0) statements.push(allow('iam:PassRole', arn('role', `app-${p % 1000}`), { Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } }));
    if (p % 25 === 0) statements.push({ Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
    policyList.push({ PolicyName: `team-policy-${p}`, Arn: arn('policy', `team-policy-${p}`), AttachmentCount: 3, DefaultVersionId: 'v2', PolicyVersionList: [
      { Document: enc(allow('s3:GetObject')), IsDefaultVersion: false, VersionId: 'v1' },
      { Document: enc(...statements), IsDefaultVersion: true, VersionId: 'v2' },
    ] });
  }
  const groupList = Array.from({ length: groups }, (_, g) => ({
    GroupName: `group-${g}`,
    Arn: arn('group', `group-${g}`),
    AttachedManagedPolicies: g === 0 ? [{ PolicyArn: ADMIN, PolicyName: 'AdministratorAccess' }] : [0, 1, 2, 3, 4].map((k) => ({ PolicyArn: arn('policy', `team-policy-${(g * 5 + k) % policies}`) })),
    GroupPolicyList: [{ PolicyName: 'team-inline', PolicyDocument: enc(allow(['sts:GetCallerIdentity', 'iam:GetUser'], arn('user', '${aws:username}'))) }],
  }));
  const roleList = Array.from({ length: roles }, (_, r) => {
    const service = TRUSTED[r % TRUSTED.length];
    const admin = r % 20 === 0;
    return {
      RoleName: `app-${r}`,
      Arn: arn('role', `app-${r}`),
      Path: '/',
      AssumeRolePolicyDocument: enc({ Effect: 'Allow', Principal: r % 7 === 0 ? { AWS: `arn:aws:iam::${ACCOUNT}:root` } : { Service: service }, Action: 'sts:AssumeRole' }),
      AttachedManagedPolicies: admin ? [{ PolicyArn: ADMIN }] : [{ PolicyArn: arn('policy', `team-policy-${r % policies}`) }, { PolicyArn: arn('policy', `team-policy-${(r * 7) % policies}`) }],
      RolePolicyList: [{ PolicyName: 'logs', PolicyDocument: enc(allow(['logs:CreateLogStream', 'logs:PutLogEvents'], `arn:aws:logs:*:${ACCOUNT}:log-group:/app/${r}:*`)) }],
      InstanceProfileList: service === 'ec2.amazonaws.com' ? [{ InstanceProfileName: `app-${r}`, Arn: arn('instance-profile', `app-${r}`), Path: '/', InstanceProfileId: 'x', Roles: [] }] : [],
      RoleLastUsed: { LastUsedDate: new Date('2026-11-01T00:00:00Z') },
    };
  });
  const userList = Array.from({ length: users }, (_, u) => ({
    UserName: `user-${u}`,
    Arn: arn('user', `user-${u}`),
    UserId: `AIDA${String(u).padStart(12, '0')}`,
    GroupList: [`group-${1 + (u % (groups - 1))}`, ...(u % 3 === 0 ? [`group-${1 + ((u * 7) % (groups - 1))}`] : []), ...(u % 250 === 0 ? ['group-0'] : [])],
    AttachedManagedPolicies: u % 10 === 0 ? [{ PolicyArn: arn('policy', `team-policy-${u % policies}`) }] : [],
    UserPolicyList: u % 97 === 0
      ? [{ PolicyName: 'deploy', PolicyDocument: enc(allow('iam:PassRole', arn('role', LAMBDA_ADMIN_ROLE)), allow(['lambda:CreateFunction', 'lambda:InvokeFunction'])) }]
      : [],
  }));
  return { users: userList, groups: groupList, roles: roleList, policies: policyList };
}

/** In the child: build the details, then time the analysis and measure what it adds to the peak memory. */
async function measure(users) {
  const dist = resolve(fileURLToPath(import.meta.url), '../../dist/analysis');
  const { buildPrincipalModel } = await import(pathToFileURL(`${dist}/principals.js`).href);
  const { escalationPaths } = await import(pathToFileURL(`${dist}/escalation.js`).href);
  const details = generateDetails(users);
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  const started = performance.now();
  const model = buildPrincipalModel(details, ACCOUNT, 'aws');
  const found = escalationPaths(model);
  const ms = performance.now() - started;
  const peak = process.resourceUsage().maxRSS * 1024;
  const expected = Array.from({ length: users }, (_, u) => u).filter((u) => u % 97 === 0 && u % 250 !== 0).length;
  const deployers = found.filter((f) => f.findings.some((x) => x.path.id === 'lambda-001' && x.target === arn('role', LAMBDA_ADMIN_ROLE))).length;
  process.stdout.write(JSON.stringify({ users, ms, addedMb: Math.max(0, peak - baseline) / 2 ** 20, principals: found.length, deployers, expected }));
}

export function benchEscalation(sizes = [500, 2000, 5000]) {
  console.log('Privilege-escalation analysis (pure; generated details: 100 groups, 500 customer policies, 1,000 roles):');
  const rows = sizes.map((users) => {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), String(users)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`escalation bench at ${users} users failed:\n${r.stderr}`);
    return JSON.parse(r.stdout);
  });
  let missed = false;
  for (const row of rows) {
    if (row.deployers !== row.expected) throw new Error(`wrong answer at ${row.users} users: ${row.deployers} lambda-001 users found, ${row.expected} expected`);
    console.log(`  ${String(row.users).padStart(5)} users: ${Math.round(row.ms)} ms (${(row.ms / row.users * 1000).toFixed(0)} µs a user), +${Math.round(row.addedMb)} MB peak, ${row.principals} principals with a path`);
  }
  const top = rows.at(-1);
  // Linear or better: each added user costs no more than the ones before (the fixed part is groups, policies, roles).
  const marginal = rows.slice(1).map((row, i) => ({ from: rows[i].users, to: row.users, us: ((row.ms - rows[i].ms) / (row.users - rows[i].users)) * 1000 }));
  console.log(`  marginal cost: ${marginal.map((m) => `${m.from}→${m.to}: ${Math.max(0, m.us).toFixed(0)} µs a user`).join(', ')}`);
  console.log(`  at ${top.users} users: ${Math.round(top.ms)} ms (target ≤ 1000 ms), +${Math.round(top.addedMb)} MB (target ≤ 150 MB)`);
  if (top.ms > 1000 || top.addedMb > 150) missed = true;
  if (marginal.length > 1 && marginal.at(-1).us > 2 * Math.max(marginal[0].us, 50)) missed = true;
  console.log('');
  return !missed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const users = Number(process.argv[2]);
  if (users > 0) await measure(users);
  else if (!benchEscalation()) process.exit(1);
}
