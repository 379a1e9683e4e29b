/**
 * --tracing: an OTLP/HTTP endpoint in the bench process that accepts every export and counts it, so
 * the apps pay the full cost of recording and exporting spans (protobuf, the SDK default) with
 * nothing slow on the other end.
 */
const http = require('node:http');

async function startOtlpSink() {
  const counts = { requests: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (chunk) => (counts.bytes += chunk.length));
    req.on('end', () => {
      counts.requests += 1;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    counts,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

module.exports = { startOtlpSink };
