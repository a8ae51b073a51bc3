/**
 * The networks people work behind: every call through a company proxy (HTTPS_PROXY, a CONNECT proxy this test
 * runs), to an endpoint whose TLS certificate only AWS_CA_BUNDLE vouches for (as behind a TLS-inspecting proxy).
 * The endpoint is a TLS front for the emulator, with a self-signed certificate made here by openssl.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, freshAccount, motoUrl, noMoto, runCli, workDir } from './support/moto.js';

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe.skipIf(noMoto)('behind a proxy, with a CA bundle', () => {
  let tlsFront: Server;
  let proxy: Server;
  let endpoint = '';
  let proxyUrl = '';
  let bundle = '';
  /** host:port of every CONNECT the proxy served. */
  const tunnels: string[] = [];

  beforeAll(async () => {
    const dir = workDir();
    const key = join(dir, 'key.pem');
    bundle = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', bundle, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    // The TLS front: every request forwarded to the emulator as it came.
    const upstream = new URL(motoUrl);
    tlsFront = createHttpsServer({ key: readFileSync(key), cert: readFileSync(bundle) }, (req, res) => {
      const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    endpoint = `https://localhost:${await listen(tlsFront)}`;
    // A CONNECT proxy, as companies run: it tunnels bytes and records where to.
    proxy = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const target = connect(Number(port), host === 'localhost' ? '127.0.0.1' : (host ?? ''), () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        target.write(head);
        target.pipe(client);
        client.pipe(target);
      });
      target.on('error', () => client.destroy());
      client.on('error', () => target.destroy());
    });
    proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  });
  afterAll(() => {
    tlsFront?.closeAllConnections?.();
    tlsFront?.close();
    proxy?.close();
  });

  const audit = (env: NodeJS.ProcessEnv) => runCli(['audit', '--json', '--check', 'account-alias', '--endpoint-url', endpoint], { env });

  it('every call goes through HTTPS_PROXY and trusts the endpoint through AWS_CA_BUNDLE', async () => {
    const creds = await freshAccount();
    tunnels.length = 0;
    const r = await audit(cliEnv(creds, { HTTPS_PROXY: proxyUrl, AWS_CA_BUNDLE: bundle }));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).accounts[0].checks[0]).toMatchObject({ id: 'account-alias', status: 'fail' });
    expect(r.code).toBe(1);
    // sts:GetCallerIdentity, organizations:DescribeOrganization, iam:ListAccountAliases: all tunnelled, none direct.
    expect(tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(tunnels)).toEqual(new Set([endpoint.replace('https://', '')]));
  });

  it('without the bundle the certificate is refused, and the message says to set AWS_CA_BUNDLE', async () => {
    const creds = await freshAccount();
    const r = await audit(cliEnv(creds, { HTTPS_PROXY: proxyUrl }));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("failed: the server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(r.stderr).toContain('set AWS_CA_BUNDLE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('NO_PROXY sends matching hosts directly, lowercase variables work too', async () => {
    const creds = await freshAccount();
    tunnels.length = 0;
    const r = await audit(cliEnv(creds, { https_proxy: proxyUrl, no_proxy: 'localhost', AWS_CA_BUNDLE: bundle }));
    expect(r.code).toBe(1);
    expect(tunnels).toEqual([]);
  });
});
