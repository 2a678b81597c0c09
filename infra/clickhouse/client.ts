import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../schemas/config';
import { DependencyError } from '../errors';

export type { ClickHouseClient };

export interface StoreConnection {
  client: ClickHouseClient;
  /** The database every table lives in; validated by the config schema as an identifier. */
  database: string;
  mode: 'embedded' | 'server';
  /** Where the embedded engine keeps its data; undefined for a server. */
  dataPath?: string;
  close(): Promise<void>;
}

/**
 * One client for either engine (DESIGN.md "Two ways to run, one code path"): with
 * `clickhouse.url` unset the ClickHouse engine runs in-process through chDB with its data under
 * `dataDir/clickhouse`; otherwise a ClickHouse server. chDB ignores the client's `database`
 * option, so all SQL names its tables with the database explicitly (see tables.ts). chDB is
 * imported only here and only when embedded: the engine costs ~200 MB on import, which a
 * server-mode process or an ingest-only process must not pay.
 */
export async function connectStore(cfg: Pick<Config, 'clickhouse' | 'dataDir'>): Promise<StoreConnection> {
  const { database } = cfg.clickhouse;
  if (cfg.clickhouse.url !== undefined) {
    const client = createClient({
      url: cfg.clickhouse.url,
      username: cfg.clickhouse.username,
      password: cfg.clickhouse.password,
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
    return { client, database, mode: 'server', close: () => client.close() };
  }
  const dataPath = resolve(cfg.dataDir, 'clickhouse');
  mkdirSync(dataPath, { recursive: true });
  const { createChdbConnection } = await import('chdb/connection');
  let connection;
  try {
    connection = createChdbConnection({ path: dataPath });
  } catch (err) {
    // The engine admits one process per data folder; its lock message goes to stderr only.
    const locked = existsSync(resolve(dataPath, 'status'));
    throw new DependencyError(
      locked ? 'STORE_LOCKED' : 'STORE_UNAVAILABLE',
      'clickhouse',
      locked
        ? `the embedded store in ${dataPath} is held by another yrd-air process (probably \`yrd-air start\`). ` +
            'Stop that process first, send the work through its HTTP API, or set CLICKHOUSE_URL to use a ClickHouse server.'
        : `cannot open the embedded store in ${dataPath}: ${(err as Error).message}`,
      false,
      { cause: err },
    );
  }
  // chdb/connection implements the client's Connection contract against client-common's own copy
  // of its types, which TypeScript sees as distinct declarations of the same interface.
  const client = createClient({ connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
  // Batches staged for the engine's file() load (reading-store.clickhouse.ts) that a killed
  // process left behind: this process holds the folder's lock, so none is in use.
  rmSync(resolve(dataPath, 'staging'), { recursive: true, force: true });
  return { client, database, mode: 'embedded', dataPath, close: () => client.close() };
}
