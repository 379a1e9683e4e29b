#!/usr/bin/env node
// Writes openapi.json at the repository root from the built API (npm run build runs it after
// scripts/build-apps.js): what clients and the dashboard generate their types from without starting the
// app. test/openapi-file.e2e-spec.ts fails when the committed file no longer matches the code.
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { generateOpenApiDocument, serializeOpenApiDocument } = require(path.join(root, 'dist/apps/api/apps/api/src/docs/openapi-file.js'));

generateOpenApiDocument().then(
  (document) => {
    writeFileSync(path.join(root, 'openapi.json'), serializeOpenApiDocument(document));
    console.log('openapi.json written');
  },
  (error) => {
    console.error('Could not write openapi.json:', error);
    process.exit(1);
  },
);
