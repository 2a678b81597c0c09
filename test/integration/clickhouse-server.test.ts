import type { StartedTestContainer } from 'testcontainers';
import { DataType, tableFromIPC, type Timestamp } from 'apache-arrow';
import { parquetMetadata } from 'hyparquet';
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
  'on a ClickHouse server in a container (stubbed source; skipped: no Docker engine answers here; the embedded engine runs the same SQL in every other test)',
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

    it('writes the series files as the embedded engine does: JSON names, ISO times in CSV, UTC timestamps', async () => {
      // The 24 hours stored by the test above; the embedded engine's files are checked in
      // test/integration/series-exports.test.ts.
      const start = Date.parse('2025-03-01T00:00:00+08:00');
      const queries = createClickHouseSeriesQueries(store);
      const file = async (format: 'csv' | 'parquet' | 'arrow'): Promise<Buffer> => {
        const spec = seriesSpec(
          {
            level: 'station',
            id: ['1141A'],
            pollutant: ['pm25'],
            from: '2025-03-01',
            to: '2025-03-01',
            resolution: 'hour',
            format,
            limit: 100,
            referenceState: true,
            incomplete: false,
          },
          { fromMs: start + HOUR, toMs: start + 25 * HOUR },
          [bundledVersion()],
        );
        const page = await queries.page(spec, format);
        if (page.kind !== 'bytes') throw new Error('expected a file');
        const chunks: Buffer[] = [];
        for await (const c of page.body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
        return Buffer.concat(chunks);
      };
      const csv = (await file('csv')).toString('utf8').split('\n');
      expect(csv[0]).toBe('"id","pollutant","time","value","nValid","nExpected","capture","valid","converted"');
      expect(csv[1]).toBe('"1141A","pm25","2025-02-28T17:00:00Z",1,1,1,1,true,false');
      const pq = await file('parquet');
      const meta = parquetMetadata(pq.buffer.slice(pq.byteOffset, pq.byteOffset + pq.byteLength) as ArrayBuffer);
      expect(meta.schema.find((c) => c.name === 'time')?.logical_type).toEqual({
        type: 'TIMESTAMP',
        isAdjustedToUTC: true,
        unit: 'MILLIS',
      });
      const table = tableFromIPC(new Uint8Array(await file('arrow')));
      const time = table.schema.fields.find((f) => f.name === 'time')?.type;
      expect(DataType.isTimestamp(time) ? (time as Timestamp).timezone : String(time)).toBe('UTC');
      expect(new Date(Number(table.getChild('time')?.get(0))).toISOString()).toBe('2025-02-28T17:00:00.000Z');
    });
  },
);
