/**
 * Whether the environment names a proxy or a CA bundle: read at every start, so it loads nothing; the agent that
 * acts on them (src/aws/network.ts) is loaded only when one is set.
 */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'];

export function networkSettingsIn(env: NodeJS.ProcessEnv): { proxy: boolean; caBundle?: string } {
  const proxy = PROXY_VARIABLES.some((v) => env[v] || env[v.toLowerCase()]);
  return { proxy, ...(env.AWS_CA_BUNDLE ? { caBundle: env.AWS_CA_BUNDLE } : {}) };
}
