#!/usr/bin/env node
'use strict';
/**
 * Copies each runnable snippet into docs/verifying.md, so the guide shows exactly the code that was checked
 * against vectors.json. A block is marked by a comment naming its file, right before its fence:
 *
 *   <!-- snippet: snippets/verify.py -->
 *   ```python
 *   (replaced by the file's content)
 *   ```
 *
 * `node packages/receiver-kit/scripts/embed-snippets.js` rewrites the guide; the kit's tests fail while it differs.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const DOCS_DIR = join(__dirname, '..', 'docs');
const GUIDE_PATH = join(DOCS_DIR, 'verifying.md');
const SNIPPET_BLOCK = /(<!-- snippet: (\S+) -->\n```[\w-]*\n)([\s\S]*?)^```$/gm;

/** The guide with every marked block replaced by its file (read relative to docs/). */
function embedSnippets(markdown, readSnippet = (path) => readFileSync(join(DOCS_DIR, path), 'utf8')) {
  return markdown.replace(SNIPPET_BLOCK, (_block, opening, path) => {
    const content = readSnippet(path);
    if (/^```/m.test(content)) throw new Error(`${path} contains a line starting with \`\`\`, which would end its block early.`);
    return `${opening}${content.endsWith('\n') ? content : `${content}\n`}\`\`\``;
  });
}

/** The files the guide embeds, in order. */
function embeddedPaths(markdown) {
  return [...markdown.matchAll(SNIPPET_BLOCK)].map((match) => match[2]);
}

module.exports = { embedSnippets, embeddedPaths, GUIDE_PATH };

if (require.main === module) {
  const markdown = readFileSync(GUIDE_PATH, 'utf8');
  writeFileSync(GUIDE_PATH, embedSnippets(markdown));
  console.log(`embedded ${embeddedPaths(markdown).join(', ')} into ${GUIDE_PATH}`);
}
