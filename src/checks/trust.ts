/** Who else can use this account's roles: services without a source condition, other accounts, and roles nobody uses. */
import { coversAssumeRole, principalValues, trustStatements, type TrustStatement } from '../analysis/principals.js';
import type { AuditSources } from '../audit/sources.js';
import { daysBetween } from '../account/credential-report.js';
import { failWith, pass, type Check } from './types.js';

/**
 * Service principals whose documentation ("Cross-service confused deputy prevention") shows aws:SourceArn or
 * aws:SourceAccount in the trust policy of the role the service assumes. Services that do not set these keys when
 * they assume a role (EC2 instance profiles, Lambda execution roles, ECS tasks) are left out: the condition would
 * only break them.
 */
export const SOURCE_CONDITION_SERVICES = new Set([
  'apigateway.amazonaws.com',
  'appsync.amazonaws.com',
  'autoscaling.amazonaws.com',
  'batchoperations.s3.amazonaws.com',
  'bedrock.amazonaws.com',
  'cloudtrail.amazonaws.com',
  'comprehend.amazonaws.com',
  'config.amazonaws.com',
  'controltower.amazonaws.com',
  'credentials.iot.amazonaws.com',
  'datasync.amazonaws.com',
  'dms.amazonaws.com',
  'events.amazonaws.com',
  'firehose.amazonaws.com',
  'hooks.cloudformation.amazonaws.com',
  'iot.amazonaws.com',
  'logs.amazonaws.com',
  'monitoring.rds.amazonaws.com',
  'personalize.amazonaws.com',
  'resources.cloudformation.amazonaws.com',
  'scheduler.amazonaws.com',
  'sns.amazonaws.com',
  'ssm.amazonaws.com',
  'states.amazonaws.com',
  'transfer.amazonaws.com',
  'vpc-flow-logs.amazonaws.com',
]);

const SOURCE_KEYS = new Set(['aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths']);

/** The condition keys a statement tests with an operator that fails when the key is absent, lower case. */
function requiredKeys(st: TrustStatement): Set<string> {
  const keys = new Set<string>();
  for (const [operator, block] of Object.entries(st.Condition ?? {})) {
    // …IfExists and Null pass when the key is missing: they restrict nothing a caller can leave out.
    if (/IfExists$/.test(operator) || operator === 'Null') continue;
    for (const key of Object.keys(block ?? {})) keys.add(key.toLowerCase());
  }
  return keys;
}

/** "123456789012" from an account id or an IAM ARN in it; undefined for services, "*" and federated principals. */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/** The Organization's account ids, or why they cannot all be known from here. */
async function organizationAccountIds(s: AuditSources): Promise<{ ids: Set<string>; note?: string }> {
  const { role, accountIds, managementAccountId } = s.account.organization;
  const own = [s.account.accountId, ...(managementAccountId ? [managementAccountId] : [])];
  if (role === 'none') return { ids: new Set([s.account.accountId]) };
  // audit --org listed them from the management account.
  if (accountIds) return { ids: new Set([...own, ...accountIds]) };
  if (role === 'management') return { ids: new Set([...own, ...(await s.organizationAccountIds())]) };
  return {
    ids: new Set(own),
    note: ` (the Organization's accounts cannot be listed from ${role === 'member' ? 'a member account' : 'this caller'}; audit --org from the management account tells them apart)`,
  };
}

export const trustChecks: Check[] = [
  {
    id: 'service-trust-confused-deputy',
    title: 'Service roles name their source',
    passesWhen:
      'every customer role that trusts an AWS service documented to support it limits the trust with `aws:SourceAccount`, `aws:SourceArn` or `aws:SourceOrgID` (service-linked roles excepted)',
    severity: 'medium',
    mappings: {},
    remediation:
      'Add "Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}} (or aws:SourceArn of the resource that uses the role) to the trust statement: aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json',
    async run(s) {
      const model = await s.principalModel();
      const open = model.roles
        .filter((r) => !r.serviceLinked)
        .flatMap((r) => {
          const services = trustStatements(r.trust)
            .filter((st) => st.Effect === 'Allow' && coversAssumeRole(st))
            .flatMap((st) => {
              const keys = requiredKeys(st);
              if ([...keys].some((k) => SOURCE_KEYS.has(k))) return [];
              return principalValues(st, 'Service').filter((svc) => SOURCE_CONDITION_SERVICES.has(svc.toLowerCase()));
            });
          return services.length ? [{ resource: r.arn, text: `${r.name}: trusts ${[...new Set(services)].join(', ')} with no aws:SourceAccount or aws:SourceArn` }] : [];
        });
      if (!open.length) return pass('every service role that can name its source does');
      return failWith(open);
    },
  },
  {
    id: 'cross-account-trust',
    title: 'Other accounts assume roles only with an external id or MFA',
    passesWhen:
      'no role trusts a principal in an account outside the Organization (any other account, when not in one) without `sts:ExternalId` or `aws:MultiFactorAuthPresent` in its condition; the detail names the trusted accounts',
    severity: 'medium',
    mappings: {},
    remediation:
      'Add "Condition": {"StringEquals": {"sts:ExternalId": "<secret agreed with the other party>"}} for a vendor, or {"Bool": {"aws:MultiFactorAuthPresent": "true"}} for people, or remove the trust.',
    async run(s) {
      const [model, org] = await Promise.all([s.principalModel(), organizationAccountIds(s)]);
      const findings = model.roles
        .filter((r) => !r.serviceLinked)
        .flatMap((r) => {
          const outside = new Set<string>();
          for (const st of trustStatements(r.trust)) {
            if (st.Effect !== 'Allow' || !coversAssumeRole(st)) continue;
            const keys = requiredKeys(st);
            if (keys.has('sts:externalid') || keys.has('aws:multifactorauthpresent') || keys.has('aws:principalorgid')) continue;
            for (const p of principalValues(st, 'AWS')) {
              const account = accountOf(p);
              if (account && !org.ids.has(account)) outside.add(account);
            }
          }
          return outside.size ? [{ resource: r.arn, text: `${r.name}: trusts ${[...outside].sort().join(', ')} with no external id or MFA condition` }] : [];
        });
      if (!findings.length) return pass('no role trusts another account without an external id or MFA');
      return failWith(findings, org.note ? { note: org.note } : {});
    },
  },
  {
    id: 'unused-roles',
    title: 'No roles unused for long',
    passesWhen: 'no role (service-linked roles excepted) was last used, or when never used created, more than `--unused-days` ago (90 unless given)',
    severity: 'low',
    mappings: {},
    remediation: 'Delete roles nobody needs any more (aws iam delete-role after detaching its policies and removing it from instance profiles).',
    async run(s, settings) {
      const model = await s.principalModel();
      const limit = settings.unusedRoleDays;
      const stale = model.roles
        .filter((r) => !r.serviceLinked)
        .flatMap((r) => {
          const since = r.lastUsed ?? r.created;
          if (!since) return [];
          const days = daysBetween(since, settings.now);
          if (days <= limit) return [];
          return [{ resource: r.arn, text: r.lastUsed ? `${r.name}: last used ${days} days ago` : `${r.name}: never used, created ${days} days ago` }];
        });
      if (!stale.length) return pass(`every role was used in the last ${limit} days (or is newer)`);
      return failWith(stale);
    },
  },
];
