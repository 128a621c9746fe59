// A webhook receiver on loopback for tests: real HTTP, port chosen by the OS. It checks each POST's
// signature exactly as docs/events.md tells receivers to, records what arrived, and can be told to
// fail the first requests (to see the sender retry).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../functions/adapters/events/webhook-signature.js';

export interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly verified: boolean;
  readonly reason?: string;
}

export interface WebhookSink {
  readonly url: string;
  readonly received: Received[];
  /** Answer the next `n` requests with this status before accepting again. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookSink(secret: string): Promise<WebhookSink> {
  const received: Received[] = [];
  let failures = 0;
  let failStatus = 503;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const check = verifySignature(
        secret,
        req.headers['catchments-signature'] as string | undefined,
        body,
        Math.floor(Date.now() / 1000),
      );
      received.push({
        headers: req.headers,
        body,
        verified: check.ok,
        ...(check.ok ? {} : { reason: check.reason }),
      });
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      res.writeHead(check.ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/catchments`,
    received,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
