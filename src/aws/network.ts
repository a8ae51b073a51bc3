/**
 * The networks people work behind, which the JavaScript SDK does not handle by itself: a proxy
 * (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, in either case, as curl and the AWS CLI read them) and a
 * TLS-inspecting company CA (AWS_CA_BUNDLE, as the AWS CLI reads it). Without any of these the SDK's own
 * connection handling is used unchanged.
 */
import { readFileSync } from 'node:fs';
import type { ClientRequest } from 'node:http';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { getProxyForUrl } from 'proxy-from-env';
import { UsageError } from '../errors.js';

import { networkSettingsIn } from './network-settings.js';

/**
 * Connections for one request at a time: through the proxy the environment names for its URL (a CONNECT tunnel,
 * for http and https alike), or directly when NO_PROXY excludes it. TLS trusts Node's usual roots plus the
 * bundle's certificates, so a bundle that holds only the company's inspection CA still reaches hosts it does not
 * inspect.
 */
export class NetworkAgent extends Agent {
  private readonly proxies = new Map<string, HttpsProxyAgent<string>>();

  constructor(private readonly ca: string[] | undefined) {
    super({ keepAlive: true });
  }

  connect(req: ClientRequest, opts: AgentConnectOpts) {
    const url = `${opts.secureEndpoint ? 'https' : 'http'}://${opts.host}:${opts.port}`;
    const proxy = getProxyForUrl(url);
    if (proxy) {
      let agent = this.proxies.get(proxy);
      if (!agent) {
        // The CA also applies to an https:// proxy itself.
        agent = new HttpsProxyAgent(proxy, { ...(this.ca ? { ca: this.ca } : {}) });
        this.proxies.set(proxy, agent);
      }
      // The tunnel's TLS to the endpoint is made from the request's options, so the CA goes there.
      return agent.connect(req, { ...opts, ...(this.ca ? { ca: this.ca } : {}) } as AgentConnectOpts);
    }
    if (opts.secureEndpoint) return tlsConnect({ ...opts, ...(this.ca ? { ca: this.ca } : {}) });
    return netConnect(opts);
  }
}

/** The SDK client setting that routes every call through `NetworkAgent`, or undefined when nothing is configured. */
export function networkRequestHandler(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')) {
  const settings = networkSettingsIn(env);
  if (!settings.proxy && !settings.caBundle) return undefined;
  let ca: string[] | undefined;
  if (settings.caBundle) {
    let pem: string;
    try {
      pem = readFile(settings.caBundle);
    } catch (err) {
      throw new UsageError(`AWS_CA_BUNDLE: cannot read ${settings.caBundle}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`AWS_CA_BUNDLE: ${settings.caBundle} holds no PEM certificate.`);
    ca = [...rootCertificates, pem];
  }
  const agent = new NetworkAgent(ca);
  return { httpAgent: agent, httpsAgent: agent };
}
