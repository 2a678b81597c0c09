import type { Logger } from '../../kernel';
import type { Config, StationListVersion } from '../../schemas';
import { connectStore, type StoreConnection } from './client';
import { migrate } from './migrate';
import { syncStations } from './stations.clickhouse';

export interface OpenedStore extends StoreConnection {
  /** The migrations applied on opening (none when the store was up to date). */
  migrated: number[];
}

/**
 * Brings a connected store to the current schema and, given the station lists, mirrors them
 * into its `stations` table. Returns the migrations applied.
 */
export async function prepareStore(
  store: StoreConnection,
  logger: Logger,
  stations?: readonly StationListVersion[],
): Promise<number[]> {
  const migrated = await migrate(store, logger.child({ module: 'migrate' }));
  if (stations) await syncStations(store, stations);
  return migrated;
}

/**
 * The one way to open the store (roles, one-shot commands, the bench): connected, then
 * prepared ({@link prepareStore}); a store that cannot be prepared is closed again.
 */
export async function openStore(
  config: Pick<Config, 'clickhouse' | 'dataDir'>,
  logger: Logger,
  opts: { stations?: readonly StationListVersion[] } = {},
): Promise<OpenedStore> {
  const store = await connectStore(config);
  let migrated: number[];
  try {
    migrated = await prepareStore(store, logger, opts.stations);
  } catch (err) {
    await store.close();
    throw err;
  }
  logger.info({ mode: store.mode, database: store.database, dataPath: store.dataPath }, 'store ready');
  return Object.assign(store, { migrated });
}
