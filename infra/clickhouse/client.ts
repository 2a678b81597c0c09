import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../../schemas';
import { DependencyError } from '../../kernel';
import { storeHolder } from './store-lock';

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
 * One client for either engine (two ways to run, one code path): with
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
  const lockedMessage = (holder: string): string =>
    `the embedded store in ${dataPath} is held by another yrd-air process${holder} (probably \`yrd-air start\`). ` +
    'Stop that process first, send the work through its HTTP API, or set CLICKHOUSE_URL to use a ClickHouse server.';
  // Found before the engine opens: refused, the engine would print its own exception to stderr.
  const holder = storeHolder(dataPath);
  if (holder !== undefined) {
    throw new DependencyError('STORE_LOCKED', 'clickhouse', lockedMessage(` (PID ${holder})`), false);
  }
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
      locked ? lockedMessage('') : `cannot open the embedded store in ${dataPath}: ${(err as Error).message}`,
      false,
      { cause: err },
    );
  }
  // chdb/connection implements the client's Connection contract against client-common's own copy
  // of its types, which TypeScript sees as distinct declarations of the same interface.
  const client = createClient({
    connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'],
  });
  const trimmer = trimAllocator(client, TRIM_EVERY_MS);
  // Batches staged for the engine's file() load (reading-store.clickhouse.ts) that a killed
  // process left behind: this process holds the folder's lock, so none is in use.
  rmSync(resolve(dataPath, 'staging'), { recursive: true, force: true });
  return {
    client,
    database,
    mode: 'embedded',
    dataPath,
    async close() {
      await trimmer.idle();
      await client.close();
    },
  };
}

const TRIM_EVERY_MS = 5_000;

/**
 * The embedded engine's allocator keeps the memory a big statement freed (~200–300 MB after a
 * year of the region's hours), and the process's RSS with it: a ClickHouse server hands it back
 * from jemalloc's background threads, which chDB does not start. So once a statement ends, and
 * at most every `everyMs`, ask the engine to purge it (~20 ms, beside the statements). An engine
 * that refuses the command is not asked again.
 */
function trimAllocator(client: ClickHouseClient, everyMs: number): { idle(): Promise<void> } {
  let last = 0;
  let supported = true;
  let pending: Promise<void> | undefined;
  const trim = (): void => {
    if (!supported || pending || Date.now() - last < everyMs) return;
    last = Date.now();
    pending = command({ query: 'SYSTEM JEMALLOC PURGE' })
      .then(
        () => undefined,
        () => void (supported = false),
      )
      .finally(() => (pending = undefined));
  };
  const after =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const p = f(...args);
      p.then(trim, trim);
      return p;
    };
  const command = client.command.bind(client);
  client.query = after(client.query.bind(client)) as typeof client.query;
  client.insert = after(client.insert.bind(client)) as typeof client.insert;
  client.command = after(command);
  client.exec = after(client.exec.bind(client));
  return { idle: async () => void (await pending) };
}
