// Lint: `npm run lint`. TypeScript with type information (tsconfig.typecheck.json, the browser tests' and the
// dashboard's tsconfig: the same
// files `npm run typecheck` checks), plain CommonJS scripts with the JavaScript recommended rules.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedOnPurpose = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' };

export default defineConfig(
  {
    // Build output and generated code; bench/results holds JSON only.
    ignores: ['**/node_modules/', '**/dist/', 'generated/', 'coverage/', 'bench/results/', 'bench/.snapshot/'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // apps/dashboard is browser code (DOM, JSX, bundler resolution): its own tsconfig, as in `npm run typecheck`.
        project: ['./tsconfig.typecheck.json', './tsconfig.browser-tests.json', './apps/dashboard/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The promise rules are the reason for type-aware linting: an un-awaited write or enqueue loses errors.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // `_`-prefixed names say "unused on purpose" (positional parameters); `...rest` drops the keys named before it.
      '@typescript-eslint/no-unused-vars': ['error', { ...unusedOnPurpose, destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      // An async function without await is how a Promise-returning interface is implemented synchronously (memory
      // stores, test fakes): it turns a throw into a rejection. A forgotten await is no-floating-promises' job.
      '@typescript-eslint/require-await': 'off',
      // A `let` read before its one assignment (a timer cleared by a callback set up earlier) cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // bench/ and scripts/ are plain CommonJS run by node directly: no types to check them against.
    files: ['**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { ...unusedOnPurpose, ignoreRestSiblings: true }] },
  },
  {
    // Tests assert on parsed JSON (the test client's `body`, `JSON.parse`), typed `any` by design: declaring a type for
    // each response only to read it in `expect` adds ceremony, not safety. Application code keeps these rules.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
);
