// Child process for the HTTP benchmark: a bare node:http server answering one constant JSON body
// (of the size given in argv[2]), the ceiling any framework on node:http can reach.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const size = Number(process.argv[2] ?? 64);
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, size - 15)) });
const server = createServer((_req, res) => {
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
