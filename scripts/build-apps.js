#!/usr/bin/env node
// Compiles the api and the worker to dist/apps/<app>/ with swc, in the layout `nest build` gave them
// (dist/apps/api/apps/api/src/main.js, the libs beside them, @app/... paths made relative). `npm run build`
// runs it. Why not `nest build`: its tsc builder type-checks each app again (~25 s of CPU for the two
// apps, measured for issue 9) although `npm run typecheck` checks the same files, and its swc builder
// needs @swc/cli and leaves the libs out. The swc options are Jest's (jest.config.js), so the built apps are
// compiled like the code every test runs. The @nestjs/swagger plugin's metadata does not depend on the
// compiler: scripts/openapi-metadata.mjs writes it to generated/openapi/metadata.ts, which the api loads.
//
// Usage: node scripts/build-apps.js [api|worker]...   (both when none is named)
const { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const tsconfig = require('typescript').readConfigFile(path.join(root, 'tsconfig.json'), require('typescript').sys.readFile).config;

/** What each app's tsconfig.app.json includes (its imports outside these are followed too). */
const APPS = {
  api: { roots: ['apps/api/src', 'libs', 'generated'], exclude: [] },
  worker: { roots: ['apps/worker/src', 'libs', 'generated'], exclude: ['generated/openapi'] },
};
const isSpec = (file) => /spec\.ts$/.test(file);

function sourcesUnder(dir, exclude) {
  const found = [];
  const walk = (relative) => {
    if (exclude.includes(relative)) return;
    const absolute = path.join(root, relative);
    if (!existsSync(absolute)) return;
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'dist' && entry.name !== 'test') walk(child);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isSpec(entry.name)) {
        found.push(child);
      }
    }
  };
  walk(dir);
  return found;
}

function swcOptions(file) {
  return {
    filename: path.join(root, file),
    sourceMaps: true,
    sourceFileName: path.relative(path.dirname(path.join(root, file)), path.join(root, file)),
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths: tsconfig.compilerOptions.paths,
    },
    // import() becomes require(), as under Jest: generated/openapi/metadata.ts imports the DTOs with
    // import(), and Node's import() of swc's CommonJS output does not see its named exports.
    module: { type: 'commonjs', resolveFully: true },
  };
}

/** The relative modules a compiled file requires, as repository paths of their sources. */
function relativeImports(file, code) {
  const imports = [];
  for (const [, specifier] of code.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`, target];
    const source = candidates.find((candidate) => existsSync(path.join(root, candidate)) && statSync(path.join(root, candidate)).isFile());
    if (source) imports.push(source);
  }
  return imports;
}

async function buildApp(app) {
  const { roots, exclude } = APPS[app];
  const outDir = path.join(root, 'dist', 'apps', app);
  rmSync(outDir, { recursive: true, force: true });
  const queue = roots.flatMap((dir) => sourcesUnder(dir, exclude));
  const seen = new Set(queue);
  while (queue.length > 0) {
    const batch = queue.splice(0);
    await Promise.all(
      batch.map(async (file) => {
        const target = path.join(outDir, file);
        mkdirSync(path.dirname(target), { recursive: true });
        if (!file.endsWith('.ts')) {
          copyFileSync(path.join(root, file), target); // an imported .json or .js
          return;
        }
        const output = await swc.transformFile(path.join(root, file), swcOptions(file));
        const js = target.replace(/\.ts$/, '.js');
        writeFileSync(js, `${output.code}\n//# sourceMappingURL=${path.basename(js)}.map\n`);
        if (output.map) writeFileSync(`${js}.map`, output.map);
        for (const imported of relativeImports(file, output.code)) {
          if (!seen.has(imported)) {
            seen.add(imported);
            queue.push(imported);
          }
        }
      }),
    );
  }
  return seen.size;
}

async function main() {
  const apps = process.argv.slice(2);
  for (const app of apps.length > 0 ? apps : Object.keys(APPS)) {
    if (!APPS[app]) throw new Error(`unknown app ${app} (known: ${Object.keys(APPS).join(', ')})`);
    const started = Date.now();
    const files = await buildApp(app);
    console.log(`${app}: ${files} files compiled to dist/apps/${app} in ${Date.now() - started} ms`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
