import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** "Hookline/<version>", the version read from the project's package.json (found from this file up). */
export function hooklineUserAgent(from = __dirname): string {
  return `Hookline/${hooklineVersion(from)}`;
}

function hooklineVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'hookline' && manifest.version) return manifest.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
