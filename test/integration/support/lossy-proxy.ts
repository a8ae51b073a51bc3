/**
 * A loopback proxy in front of moto that forwards each request and, for chosen operations, throws the answer
 * away after AWS (moto) has acted — the "response lost in the network" case the SDK then retries.
 * It can also hold an answer until the test has killed the client, for "run killed mid-way".
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface LossyProxy {
  url: string;
  /** How many answers of an operation to drop (each after moto has acted). */
  lose(operation: string, times?: number): void;
  /** Calls `onRequest` when the operation's answer arrives from moto, and never delivers it. */
  holdAnswer(operation: string, onRequest: () => void): void;
  /** Operations seen, in order. */
  seen: string[];
  close(): Promise<void>;
}

function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  return new URLSearchParams(body).get('Action') ?? 'unknown';
}

export async function startLossyProxy(targetUrl: string): Promise<LossyProxy> {
  const target = new URL(targetUrl);
  const toLose = new Map<string, number>();
  const held = new Map<string, () => void>();
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const op = operationOf(req, body.toString());
      seen.push(op);
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            const hold = held.get(op);
            if (hold) {
              held.delete(op);
              hold();
              return; // never answered: the client is killed meanwhile
            }
            const remaining = toLose.get(op) ?? 0;
            if (remaining > 0) {
              toLose.set(op, remaining - 1);
              req.socket.destroy(); // moto has acted; the answer is lost
              return;
            }
            res.writeHead(answer.statusCode ?? 500, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    lose: (operation, times = 1) => toLose.set(operation, times),
    holdAnswer: (operation, onRequest) => held.set(operation, onRequest),
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
