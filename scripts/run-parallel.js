#!/usr/bin/env node
// Runs npm scripts at the same time and fails if any fails: `npm run check` (lint, format:check and
// typecheck). Each is one single-threaded Node process, so on a 2-core machine the three take about as
// long as the slowest (~30 s) instead of their sum (~67 s, measured for issue 9). Each script's output
// is held back and printed whole when it ends, so the logs do not interleave.
const { spawn } = require('node:child_process');

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: node scripts/run-parallel.js <npm script>...');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();

function run(script) {
  return new Promise((resolve) => {
    const begin = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - begin) / 1000).toFixed(1);
      const verdict = code === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`;
      process.stdout.write(`\n--> npm run ${script}: ${verdict} in ${seconds} s\n`);
      process.stdout.write(Buffer.concat(output));
      resolve({ script, ok: code === 0, seconds });
    });
  });
}

Promise.all(scripts.map(run)).then((results) => {
  const failed = results.filter((result) => !result.ok).map((result) => result.script);
  const total = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n--> ${results.map((result) => `${result.script} ${result.seconds} s`).join(', ')}; ${total} s together`);
  if (failed.length > 0) {
    console.error(`--> failed: ${failed.join(', ')}`);
    process.exit(1);
  }
});
