/** Jest runs TypeScript through swc; @nestjs 12 is ESM-only, so it is transformed too. */
const swcOptions = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};

const shared = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/generated/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', swcOptions] },
  // content-disposition (under @fastify/static) ships ESM only, like @nestjs. The OTLP exporter loads
  // node:http with import(), which Jest's vm refuses without --experimental-vm-modules: swc makes it a require.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition|@opentelemetry/otlp-exporter-base)/)'],
  moduleNameMapper: {
    '^@app/catalog(|/.*)$': '<rootDir>/libs/catalog/src$1',
    '^@app/database(|/.*)$': '<rootDir>/libs/database/src$1',
    '^@app/domain(|/.*)$': '<rootDir>/libs/domain/src$1',
    '^@app/intake(|/.*)$': '<rootDir>/libs/intake/src$1',
    '^@app/queue(|/.*)$': '<rootDir>/libs/queue/src$1',
    '^@app/config(|/.*)$': '<rootDir>/libs/config/src$1',
    '^@app/observability(|/.*)$': '<rootDir>/libs/observability/src$1',
    '^@app/generated/(.*)$': '<rootDir>/generated/$1',
    // generated/openapi/metadata.ts imports the DTOs with the `.js` extension nodenext wants.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

/**
 * Two projects: `npm run test:unit` (*.spec.ts: no Redis, PostgreSQL or build needed) and
 * `npm run test:e2e` (*.e2e-spec.ts against the real services and the built apps). Each e2e file
 * gets its own database and queue prefix (test/support/file-database.ts, config.ts), so files run
 * in parallel.
 */
module.exports = {
  testTimeout: 60000,
  // Slowest e2e files first, so both workers finish together (a fresh clone has no cached durations).
  testSequencer: '<rootDir>/test/support/slowest-first-sequencer.js',
  projects: [
    { ...shared, displayName: 'unit', testRegex: '.*\\.spec\\.ts$' },
    {
      ...shared,
      displayName: 'e2e',
      testRegex: '.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/file-database.ts'],
    },
  ],
};
