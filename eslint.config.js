// Lint rules that keep the rooms of ARCHITECTURE.md: drivers only in infra/, env only in the
// config loader, no default exports, no `export *`. The arrows between rooms, the doors and the
// absence of cycles are checked by dependency-cruiser (.dependency-cruiser.cjs).
import tseslint from 'typescript-eslint';

const DRIVERS = ['kafkajs', '@clickhouse/client', '@clickhouse/client-common', 'chdb', 'chdb/*'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'data/**',
      '.cache/**',
      'coverage/**',
      'dist/**',
      'bin/**',
      'eslint.config.js',
      '.dependency-cruiser.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'No `export *`: name what the module exports (ARCHITECTURE.md rule 12).',
        },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (ARCHITECTURE.md rule 12).' },
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only infra/config/load-config.ts reads process.env (ARCHITECTURE.md rule 5).',
        },
      ],
    },
  },
  {
    files: [
      'app/**/*.ts',
      'kernel/**/*.ts',
      'schemas/**/*.ts',
      'bus/**/*.ts',
      'ingest/**/*.ts',
      'processing/**/*.ts',
      'views/**/*.ts',
      'api/**/*.ts',
      'tools/simulator/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: DRIVERS.filter((d) => !d.includes('*')).map((name) => ({
            name,
            message: 'Drivers live in infra/ only; use the role port (ARCHITECTURE.md rule 1).',
          })),
          patterns: [{ group: ['chdb/*'], message: 'Drivers live in infra/ only (ARCHITECTURE.md rule 1).' }],
        },
      ],
    },
  },
  {
    files: ['schemas/**/*.ts'],
    ignores: ['schemas/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!zod$|\\./|\\.\\./).*',
              message: 'schemas/ imports only zod, the kernel and other schemas (ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
  {
    // The loader is the one reader of the environment; the vitest global setup and the CLI test
    // helper pass the environment to a broker and to child processes.
    files: ['infra/config/load-config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // vitest requires a default export from its config and global-setup files.
    files: ['vitest.config.ts', 'test/helpers/kafka-global-setup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
