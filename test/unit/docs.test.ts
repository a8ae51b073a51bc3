/**
 * The docs stay true to the code: the generated check table is current, the published IAM policies allow every
 * AWS operation the source calls, every link between the docs leads somewhere, and the README stays short.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_TABLE_MARKERS, renderCheckTable } from '../../src/commands/checks.js';
import { publishedPolicies, uncoveredActions } from '../support/policies.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Operations only made in a root session (sts:AssumeRoot), where AWS's task policy grants them. */
const ROOT_SESSION_ONLY = ['iam:GetAccessKeyLastUsed', 'iam:DeleteLoginProfile', 'iam:ListSigningCertificates', 'iam:DeleteSigningCertificate', 'iam:DeactivateMFADevice'];

const CLIENT_PREFIX: Record<string, string> = {
  'client-iam': 'iam',
  'client-sts': 'sts',
  'client-organizations': 'organizations',
  'client-account': 'account',
  'client-accessanalyzer': 'access-analyzer',
  'client-securityhub': 'securityhub',
  'client-sso-admin': 'sso',
  'client-identitystore': 'identitystore',
  'client-ec2': 'ec2',
  'client-s3': 's3',
  'client-s3-control': 's3control',
  'client-budgets': 'budgets',
  'client-cloudtrail': 'cloudtrail',
  'client-guardduty': 'guardduty',
};

/** Where IAM names the permission of an API operation otherwise (S3, S3 Control, AWS Budgets). */
const IAM_ACTION_OF: Record<string, string> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:HeadBucket': 's3:ListBucket',
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:PutBucketEncryption': 's3:PutEncryptionConfiguration',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  's3control:PutPublicAccessBlock': 's3:PutAccountPublicAccessBlock',
  'budgets:DescribeBudgets': 'budgets:ViewBudget',
  'budgets:DescribeNotificationsForBudget': 'budgets:ViewBudget',
  'budgets:DescribeSubscribersForNotification': 'budgets:ViewBudget',
  'budgets:CreateBudget': 'budgets:ModifyBudget',
  'budgets:UpdateBudget': 'budgets:ModifyBudget',
  'budgets:CreateNotification': 'budgets:ModifyBudget',
  'budgets:CreateSubscriber': 'budgets:ModifyBudget',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** "iam:CreateUser" for every SDK command the source imports. */
function actionsInSource(): string[] {
  const actions = new Set<string>();
  for (const file of sourceFiles('src')) {
    for (const m of read(file).matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[\w-]+)'/g)) {
      const prefix = CLIENT_PREFIX[m[2] as string];
      if (!prefix) continue;
      for (const name of (m[1] as string).split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
        const command = /^(\w+)Command$/.exec(name)?.[1];
        if (command) actions.add(IAM_ACTION_OF[`${prefix}:${command}`] ?? `${prefix}:${command}`);
      }
    }
  }
  return [...actions].sort();
}

describe('docs/audit.md', () => {
  it('has the check table the check definitions make (npm run docs rewrites it)', () => {
    const text = read('docs/audit.md');
    const [start, end] = CHECK_TABLE_MARKERS;
    const table = text.slice(text.indexOf(start) + start.length, text.indexOf(end)).trim();
    expect(table, 'the check table is stale: run npm run docs').toBe(renderCheckTable());
  });
});

describe('docs/policies', () => {
  it('each is an IAM policy document; together they allow every AWS operation in the source but the root-session ones', () => {
    const policies = publishedPolicies();
    expect(Object.keys(policies).sort()).toEqual(['audit.json', 'identity-center.json', 'init.json', 'organization.json', 'security-hub.json']);
    for (const [file, p] of Object.entries(policies)) {
      expect(p.Version, file).toBe('2012-10-17');
      for (const s of p.Statement) {
        for (const action of Array.isArray(s.Action) ? s.Action : [s.Action]) expect(action, file).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
      }
    }
    const used = actionsInSource();
    expect(used.length).toBeGreaterThan(50);
    expect(uncoveredActions(used.filter((a) => !ROOT_SESSION_ONLY.includes(a)))).toEqual([]);
  });
});

describe('the docs as a whole', () => {
  const pages = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it('README.md is for a first read: at most 250 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('every relative link leads to a file that exists, and every #anchor to a heading of that page', () => {
    const slug = (heading: string) => heading.toLowerCase().replace(/[`*_]/g, '').replace(/[^\w\s-]/g, '').trim().replace(/\s/g, '-');
    for (const page of pages) {
      for (const m of read(page).matchAll(/\]\((?!https?:|mailto:)([^)\s]*)\)/g)) {
        const [path = '', anchor] = (m[1] as string).split('#');
        const target = path ? join(dirname(page), path) : page;
        expect(existsSync(join(ROOT, target)), `${page} links to ${m[1]}`).toBe(true);
        if (anchor && target.endsWith('.md')) {
          const headings = read(target).split('\n').filter((l) => /^#{1,4} /.test(l)).map((l) => slug(l.replace(/^#+ /, '')));
          expect(headings, `${page} links to ${m[1]}`).toContain(anchor);
        }
      }
    }
  });
});
