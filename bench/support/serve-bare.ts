// Child process for the HTTP benchmark: a bare node:http server, the ceiling any framework on
// node:http can reach. It answers each path with the bytes our server answered it with (read from the
// JSON file in argv[2]: path -> body), found by one Map.get, so both servers send the same responses.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map<string, string>(Object.entries(JSON.parse(readFileSync(process.argv[2]!, 'utf8'))));
const missing = '{"error":"not a benchmark path"}';
const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? '') ?? missing;
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
