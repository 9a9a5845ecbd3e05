// The loopback server both clients call, in its own process so that its work never shares the clients' event
// loop. Prints its port on stdout, then answers: /small, 1 KiB of JSON; /large, 100 KiB of JSON.
import http from 'node:http';

const item = (i) => ({
  id: i,
  name: `item-${String(i).padStart(6, '0')}`,
  tags: ['a', 'b'],
  price: i * 1.25,
});
function body(bytes) {
  const items = [];
  let text = '[]';
  for (let i = 0; text.length < bytes; i++) {
    items.push(item(i));
    text = JSON.stringify(items);
  }
  return Buffer.from(text);
}
const BODIES = { '/small': body(1024), '/large': body(100 * 1024) };

const server = http.createServer((req, res) => {
  const payload = BODIES[req.url ?? ''];
  if (!payload) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
