import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Plain Node helpers, shared with the command line.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { embedSnippets, embeddedPaths, GUIDE_PATH } = require('../scripts/embed-snippets.js') as {
  embedSnippets: (markdown: string) => string;
  embeddedPaths: (markdown: string) => string[];
  GUIDE_PATH: string;
};

const KIT_DIR = join(__dirname, '..');
const SNIPPETS_DIR = join(KIT_DIR, 'docs', 'snippets');
const VECTORS_PATH = join(KIT_DIR, 'vectors.json');
const vectorCount = (JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { vectors: unknown[] }).vectors.length;

function runPython(...args: string[]) {
  const run = spawnSync('python3', ['-B', join(SNIPPETS_DIR, 'verify.py'), ...args], { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('docs/verifying.md', () => {
  const guide = readFileSync(GUIDE_PATH, 'utf8');

  it('shows exactly the snippet files that are run (node packages/receiver-kit/scripts/embed-snippets.js updates it)', () => {
    expect(embedSnippets(guide)).toBe(guide);
  });

  it('embeds every snippet file', () => {
    const files = readdirSync(SNIPPETS_DIR)
      .filter((name) => /\.(py|go|rb|php)$/.test(name))
      .map((name) => `snippets/${name}`);
    expect(embeddedPaths(guide).sort()).toEqual(files.sort());
  });
});

describe('the Python snippet over vectors.json', () => {
  it('reaches the expected result for every vector, with the ed25519 implementation installed here', () => {
    const run = runPython(VECTORS_PATH);
    // Which ed25519 implementation ran is in the last line: "cryptography" when installed, else pure Python.
    expect({ status: run.status, stderr: run.stderr, summary: run.stdout.trim().split('\n').pop() }).toEqual({
      status: 0,
      stderr: '',
      summary: expect.stringMatching(new RegExp(`^python: ${vectorCount}/${vectorCount} vectors ok \\(ed25519: .+\\)$`)),
    });
    expect(run.stdout.match(/^ok {3}/gm)).toHaveLength(vectorCount);
  });

  it('reaches the expected result for every vector with the standard-library ed25519 verifier (RFC 8032)', () => {
    const run = runPython('--pure-python-ed25519', VECTORS_PATH);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`python: ${vectorCount}/${vectorCount} vectors ok (ed25519: pure Python (RFC 8032))`);
  });

  it('fails on a vector whose expected result is wrong, for each scheme', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-vectors-'));
    try {
      const file = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as { vectors: { scheme: string; expected: string }[] };
      const flipped = file.vectors.map((vector) => ({ ...vector, expected: vector.expected === 'valid' ? 'invalid_signature' : 'valid' }));
      const path = join(dir, 'flipped.json');
      writeFileSync(path, JSON.stringify({ ...file, vectors: flipped }));
      for (const args of [[path], ['--pure-python-ed25519', path]]) {
        const run = runPython(...args);
        expect(run.status).toBe(1);
        expect(run.stdout).toContain(`python: 0/${vectorCount} vectors ok`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
