/** What the tool reads from the operator's environment before any call: profiles, regions, proxies, CA bundles. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRegionKnown, closestRegions, knownRegions } from '../../../src/aws/known-regions.js';
import { NetworkAgent, networkRequestHandler } from '../../../src/aws/network.js';
import { networkSettingsIn } from '../../../src/aws/network-settings.js';
import { checkProfileExists, profilesIn } from '../../../src/aws/profiles.js';
import { sdkLogger } from '../../../src/aws/sdk-logger.js';
import { describeError, UsageError } from '../../../src/errors.js';

describe('regions, from the SDK\'s partition data', () => {
  it('knows every partition\'s regions', async () => {
    const regions = await knownRegions();
    expect(regions?.get('aws')).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'ap-southeast-5']));
    expect(regions?.get('aws-us-gov')).toEqual(['us-gov-east-1', 'us-gov-west-1']);
    expect(regions?.get('aws-cn')).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect([...regions!.values()].flat()).not.toContain('aws-global');
  });

  it('a misspelt region is exit 2 with a suggestion; a known one passes', async () => {
    const regions = await knownRegions();
    expect(() => checkRegionKnown('eu-wset-1', regions, '--region')).toThrow(new UsageError('--region: "eu-wset-1" is not an AWS region. Did you mean eu-west-1?'));
    expect(() => checkRegionKnown('us-gov-west-1', regions, '--region')).not.toThrow();
    expect(() => checkRegionKnown('mars-north-1', regions, '--region')).toThrow(/is not an AWS region\. The regions are listed at https:\/\/docs\.aws\.amazon\.com/);
    expect(closestRegions('us-est-1', [...regions!.values()].flat())).toEqual(['us-east-1', 'us-west-1']);
  });

  it('is skipped, never wrong, when the data cannot be read', () => {
    expect(() => checkRegionKnown('eu-wset-1', undefined, '--region')).not.toThrow();
  });
});

describe('profiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profiles-'));
  const config = join(dir, 'config');
  const credentials = join(dir, 'credentials');
  writeFileSync(config, '[default]\nregion = us-east-1\n[profile prod] # main\nsso_session = acme\n[sso-session acme]\nsso_region = eu-west-1\n');
  writeFileSync(credentials, '[ci]\naws_access_key_id = AKIA…\n');
  const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
  const read = (path: string) => (path === config || path === credentials ? (path === config ? '[default]\nregion = us-east-1\n[profile prod] # main\nsso_session = acme\n[sso-session acme]\n' : '[ci]\n') : undefined);

  it('reads the names each file defines', () => {
    expect(profilesIn('[default]\n[profile prod]\n[sso-session acme]\n', 'config')).toEqual(['default', 'prod']);
    expect(profilesIn('[ci]\n  [ other ]\n', 'credentials')).toEqual(['ci', 'other']);
  });

  it('an unknown profile names the files searched, the profiles there, and where the name came from', () => {
    expect(() => checkProfileExists('prod', env, read)).not.toThrow();
    expect(() => checkProfileExists('ci', env, read)).not.toThrow();
    expect(() => checkProfileExists('prd', env, read)).toThrow(new UsageError(`--profile: profile "prd" not found in ${config} or ${credentials}. Profiles there: default, prod, ci.`));
    expect(() => checkProfileExists(undefined, { ...env, AWS_PROFILE: 'stage' }, read)).toThrow(/^AWS_PROFILE: profile "stage" not found in /);
    expect(() => checkProfileExists(undefined, env, read)).not.toThrow();
    expect(() => checkProfileExists('x', { AWS_CONFIG_FILE: '/nope/config', AWS_SHARED_CREDENTIALS_FILE: '/nope/credentials' }, () => undefined)).toThrow(
      'Neither file defines any profile (aws configure, or aws configure sso, creates one).',
    );
  });
});

describe("the SDK's own warnings", () => {
  it('become one line each, said once, in our words where we know them', () => {
    const lines: string[] = [];
    const logger = sdkLogger((l) => lines.push(l), { AWS_PROFILE: 'prod' });
    const multiple = `@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:
    Multiple credential sources detected:
    Both AWS_PROFILE and the pair AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY static credentials are set.`;
    logger.warn(multiple);
    logger.warn(multiple);
    logger.warn('@smithy/some-package - thing WARNING:\n  something odd happened\n  more');
    logger.debug('noise');
    logger.info('noise');
    expect(lines).toEqual([
      'Warning: both AWS_PROFILE (prod) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set; the profile is used. Unset one of them.',
      'Warning (AWS SDK): something odd happened',
    ]);
  });
});

describe('proxies and CA bundles', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it('takes over connections only when a proxy or a CA bundle is configured', () => {
    expect(networkSettingsIn({})).toEqual({ proxy: false });
    expect(networkSettingsIn({ https_proxy: 'http://proxy:3128' })).toEqual({ proxy: true });
    expect(networkSettingsIn({ AWS_CA_BUNDLE: '/etc/ca.pem' })).toEqual({ proxy: false, caBundle: '/etc/ca.pem' });
    expect(networkRequestHandler({})).toBeUndefined();
    const handler = networkRequestHandler({ HTTPS_PROXY: 'http://proxy:3128' });
    expect(handler?.httpsAgent).toBeInstanceOf(NetworkAgent);
    expect(handler?.httpAgent).toBe(handler?.httpsAgent);
  });

  it('a CA bundle that cannot be read, or holds no certificate, is exit 2', () => {
    expect(() => networkRequestHandler({ AWS_CA_BUNDLE: '/nope/ca.pem' })).toThrow(/^AWS_CA_BUNDLE: cannot read \/nope\/ca\.pem: ENOENT\.$/);
    expect(() => networkRequestHandler({ AWS_CA_BUNDLE: 'ca.pem' }, () => 'not a certificate')).toThrow('AWS_CA_BUNDLE: ca.pem holds no PEM certificate.');
  });

  it('goes through the proxy for a URL, and directly for one NO_PROXY names', () => {
    process.env.HTTPS_PROXY = 'http://proxy.example:3128';
    process.env.NO_PROXY = 'localhost,.internal.example';
    const agent = new NetworkAgent(undefined);
    // Through the proxy: the proxy agent is made for it (the connection itself is not attempted here).
    const proxies = (agent as unknown as { proxies: Map<string, { proxy: URL }> }).proxies;
    void Promise.resolve(agent.connect({} as never, { secureEndpoint: true, host: 'iam.amazonaws.com', port: 443 } as never)).catch(() => undefined);
    expect([...proxies.values()].map((p) => p.proxy.href)).toEqual(['http://proxy.example:3128/']);
    const direct = agent.connect({} as never, { secureEndpoint: false, host: 'localhost', port: 5000 } as never) as { destroy(): void; proxy?: URL };
    expect(direct.proxy).toBeUndefined();
    direct.destroy();
  });
});

describe('errors people meet', () => {
  it('an expired Identity Center session says how to sign in again', () => {
    const err = Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run aws sso login with the corresponding profile.'), { name: 'CredentialsProviderError' });
    expect(describeError(err, { profile: 'prod' })).toEqual({
      exitCode: 3,
      message: 'Error: the IAM Identity Center (SSO) session of profile "prod" has expired. Sign in again: aws sso login --profile prod',
    });
  });

  it('a certificate no CA vouches for names AWS_CA_BUNDLE', () => {
    const err = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', $awsCall: 'sts:GetCallerIdentity' });
    const { exitCode, message } = describeError(err);
    expect(exitCode).toBe(3);
    expect(message).toBe(
      "Error: sts:GetCallerIdentity failed: the server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT).\nBehind a company proxy that inspects TLS, set AWS_CA_BUNDLE to a PEM file with your company's CA certificate (as for the AWS CLI).",
    );
  });
});
