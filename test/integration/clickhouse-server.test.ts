import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { encodeReadings } from '../../bus';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseSeriesQueries } from '../../infra/clickhouse/series.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor } from '../../processing';
import { seriesSpec } from '../../views/stats/series';
import { countRows } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

/** Does a Docker engine answer? (testcontainers' own client, with a time limit.) */
async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}
const docker = await dockerAnswers();
const HOUR = 3_600_000;
let container: StartedTestContainer | undefined;
let store: TestStore;

/**
 * The same SQL on a ClickHouse server: migrations, the processor's inserts and
 * revision checks, and the series statement, on the official server image via testcontainers.
 * Every other test runs the embedded engine; this one needs a Docker engine and says so.
 */
describe.skipIf(!docker)(
  'on a ClickHouse server in a container (skipped: no Docker engine answers here; the embedded engine runs the same SQL in every other test)',
  () => {
    beforeAll(async () => {
      const { GenericContainer, Wait } = await import('testcontainers');
      container = await new GenericContainer('clickhouse/clickhouse-server:25.8')
        .withEnvironment({
          CLICKHOUSE_USER: 'yrd_air',
          CLICKHOUSE_PASSWORD: 'test-password',
          CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT: '1',
        })
        .withExposedPorts(8123)
        .withWaitStrategy(Wait.forHttp('/ping', 8123))
        .start();
      store = await openTestStore({
        CLICKHOUSE_URL: `http://${container.getHost()}:${container.getMappedPort(8123)}`,
        CLICKHOUSE_USER: 'yrd_air',
        CLICKHOUSE_PASSWORD: 'test-password',
      });
      await syncStations(store, [bundledVersion()]);
    }, 180_000);
    afterAll(async () => {
      await store?.dispose();
      await container?.stop();
    });

    it('stores readings exactly once and answers the series as the embedded engine does', async () => {
      const start = Date.parse('2025-03-01T00:00:00+08:00');
      const readings = Array.from({ length: 24 }, (_, i) =>
        aReading({
          station: '1141A',
          pollutant: 'pm25',
          value: i + 1,
          time: new Date(start + (i + 1) * HOUR).toISOString(),
        }),
      );
      const processor = createProcessor({
        source: { run: async () => {}, stop: async () => {} },
        store: createClickHouseReadingStore(store),
        deadLetters: { publish: async () => {} },
        logger: silentLogger(),
      });
      const batch = {
        topic: 't',
        partition: 0,
        messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) })),
      };
      await processor.handleBatch(batch);
      await processor.handleBatch(batch); // a redelivery changes nothing
      expect(await countRows(store, 'reading_revisions')).toBe(24);
      const page = await createClickHouseSeriesQueries(store).page(
        seriesSpec(
          {
            level: 'station',
            id: ['1141A'],
            pollutant: ['pm25'],
            from: '2025-03-01',
            to: '2025-03-01',
            resolution: 'day',
            format: 'json',
            limit: 10,
            referenceState: true,
            incomplete: false,
          },
          { fromMs: start + HOUR, toMs: start + 25 * HOUR },
          [bundledVersion()],
        ),
        'json',
      );
      // The 24-h mean of 1…24 is 12.5, with 24 valid hours.
      expect(page.kind === 'rows' ? page.rows.map((r) => [r.value, r.nValid, r.valid]) : []).toEqual([
        [12.5, 24, true],
      ]);
    });
  },
);
