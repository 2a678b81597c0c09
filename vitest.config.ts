import { defineConfig } from 'vitest/config';

/**
 * Two projects (ARCHITECTURE.md rule 14): `unit` — pure tests beside the code, no I/O, seconds;
 * `integration` — test/integration and test/e2e on a real Kafka broker and the real ClickHouse
 * engine. Each test file runs in its own process, since chDB binds one data folder per process.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{app,kernel,schemas,bus,ingest,processing,views,api,infra,tools}/**/*.test.ts'],
          pool: 'threads',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/{integration,e2e}/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/helpers/kafka-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
