#!/usr/bin/env node
// Writes the @nestjs/swagger CLI plugin's metadata (types, required, nullable, comments, literal
// class-validator limits of every DTO and controller) to generated/openapi/metadata.ts, with the
// options nest-cli.json gives the plugin. Both the build (scripts/build-apps.js) and Jest compile
// with swc, which does not run the plugin: the API loads this file (SwaggerModule.loadPluginMetadata),
// so the built app and the tests describe the same document. Run by `npm run build`.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputDir = path.join(root, 'generated', 'openapi');
const nestCli = JSON.parse(readFileSync(path.join(root, 'nest-cli.json'), 'utf8'));
const plugin = nestCli.compilerOptions.plugins.find((entry) => entry.name === '@nestjs/swagger');

mkdirSync(outputDir, { recursive: true });
process.chdir(root);
new PluginMetadataGenerator().generate({
  visitors: [new ReadonlyVisitor({ ...plugin.options, pathToSource: outputDir })],
  outputDir,
  filename: 'metadata.ts',
  // A program without the generator's own type check: `npm run typecheck` checks the types.
  tsProgramRef: ReadonlyVisitor.createTsProgram('apps/api/tsconfig.app.json'),
});
