import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectStore, type StoreConnection } from '../../infra/clickhouse/client';
import { migrate } from '../../infra/clickhouse/migrate';
import { loadConfig } from '../../infra/config/load-config';
import { silentLogger } from './logger';

export interface TestStore extends StoreConnection {
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * A migrated store for one test file: the embedded engine in a fresh temp folder (one per
 * process, as chDB binds one folder per process), or the server in CLICKHOUSE_URL. Refuses a
 * database whose name lacks "test" so a test can never touch real data (ARCHITECTURE.md rule 14).
 */
export async function openTestStore(env: Record<string, string | undefined> = {}): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-test-'));
  const config = loadConfig({ CLICKHOUSE_DATABASE: 'yrd_air_test', ...env, DATA_DIR: dataDir });
  if (!config.clickhouse.database.includes('test')) {
    throw new Error(`refusing to run tests against database ${config.clickhouse.database}: its name lacks "test"`);
  }
  const store = await connectStore(config);
  await migrate(store, silentLogger());
  return {
    ...store,
    dataDir,
    async dispose() {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
