#!/usr/bin/env node
// A webhook receiver for trying Hookline locally: prints each delivery and answers 200.
// Usage: node scripts/dev-receiver.js [port]   (default 9000)
const http = require('node:http');

const port = Number(process.argv[2] ?? 9000);
http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const signed = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'x-webhook-event', 'x-webhook-attempt'];
      const headers = Object.fromEntries(signed.filter((name) => req.headers[name]).map((name) => [name, req.headers[name]]));
      console.log(`${req.method} ${req.url}`, JSON.stringify(headers), Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`receiver listening on http://127.0.0.1:${port}`));
