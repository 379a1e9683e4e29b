#!/usr/bin/env node
// Runs the built api and worker side by side for local use (`npm start`). Each child gets this
// environment; its output is prefixed with [api] / [worker]. SIGINT/SIGTERM are passed on to both,
// and when one child exits the other is stopped, so the pair never half-runs.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
const apps = {
  api: 'dist/apps/api/apps/api/src/main.js',
  worker: 'dist/apps/worker/apps/worker/src/main.js',
};
const STOP_GRACE_MS = 30_000;

const missing = Object.values(apps).filter((entry) => !fs.existsSync(path.join(root, entry)));
if (missing.length > 0) {
  console.error(`Not built yet (${missing.join(', ')} missing): run "npm run build" first.`);
  process.exit(1);
}

function prefixLines(stream, target, label) {
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`${label} ${line}\n`));
}

const children = new Map();
let firstExitCode;
let stopRequested = false;

function exitCodeOf(code, signal) {
  if (code !== null) return code;
  const number = os.constants.signals[signal];
  return number ? 128 + number : 1;
}

function stopAll(signal) {
  for (const child of children.values()) child.kill(signal);
}

for (const [name, entry] of Object.entries(apps)) {
  const label = `[${name}]`;
  const child = spawn(process.execPath, [entry], { cwd: root, env: process.env, stdio: ['inherit', 'pipe', 'pipe'] });
  prefixLines(child.stdout, process.stdout, label);
  prefixLines(child.stderr, process.stderr, label);
  children.set(name, child);

  // 'close' rather than 'exit': it comes after the child's last output lines.
  child.on('close', (code, signal) => {
    children.delete(name);
    if (firstExitCode === undefined) {
      firstExitCode = exitCodeOf(code, signal);
      if (!stopRequested) {
        console.error(`${label} exited (${signal ?? `code ${code}`}); stopping the others.`);
        stopRequested = true;
        stopAll('SIGTERM');
        // A child that ignores SIGTERM must not keep the pair half-alive forever.
        setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref();
      }
    }
    if (children.size === 0) process.exit(firstExitCode);
  });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Ctrl-C in a terminal also reaches the children directly (same process group); Nest ignores the repeat.
    stopRequested = true;
    stopAll(signal);
    setTimeout(() => stopAll('SIGKILL'), STOP_GRACE_MS).unref();
  });
}
