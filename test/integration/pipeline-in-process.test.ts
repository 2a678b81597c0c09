import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../infra/bus/in-process-bus';
import { createStoreDeadLetterSink } from '../../infra/clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createProcessor } from '../../processing';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { hourlyReadings } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.dispose());

describe('first end-to-end path on the in-process bus (embedded mode)', () => {
  it('stores every published reading once, and publish resolves only when they are stored', async () => {
    const logger = silentLogger();
    const bus = createInProcessBus({ logger, maxBatchMessages: 7 });
    const readingStore = createClickHouseReadingStore(store);
    const processor = createProcessor({
      source: bus.source,
      store: readingStore,
      deadLetters: createStoreDeadLetterSink(readingStore),
      logger,
    });
    const running = processor.run();

    const stations = ['1141A', '1142A', '1151A', '1270A'];
    const startMs = Date.UTC(2025, 2, 1, 0);
    // Value encodes its identity, so a value at the wrong identity would show.
    const valueOf = (s: string, p: string, h: number) => Number(s.slice(0, 4)) + (p === 'o3' ? 0.5 : 0) + h * 10_000;
    const readings = hourlyReadings({ stations, pollutants: ['pm25', 'o3'], startMs, hours: 24, valueOf });

    await bus.sink.publish(readings.slice(0, 100));
    expect(await countRows(store, 'reading_revisions')).toBe(100); // durable when publish resolved
    await bus.sink.publish(readings.slice(100));
    await bus.sink.publish(readings); // a replay of everything changes nothing

    const rows = await currentReadings(store);
    expect(rows).toHaveLength(stations.length * 2 * 24);
    for (const row of rows) {
      const h = (row.t * 1000 - startMs) / 3_600_000;
      expect(row.value).toBe(valueOf(row.station, row.pollutant, h));
    }
    expect(await countRows(store, 'reading_revisions')).toBe(readings.length);

    await processor.stop();
    await running;
  });

  it('turns a malformed message into a reject row with its reason, and stores the rest', async () => {
    const logger = silentLogger();
    const readingStore = createClickHouseReadingStore(store);
    const processor = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: readingStore,
      deadLetters: createStoreDeadLetterSink(readingStore),
      logger,
    });
    const result = await processor.handleBatch({
      topic: 'in-process.readings',
      partition: 0,
      messages: [
        { key: 'X1', value: '{"v":1,"readings":[{"station":"X1"}]}', partition: 0, offset: '41' },
        { key: 'X2', value: 'garbage', partition: 0, offset: '42' },
        // one bad reading of three: the other two are stored, the bad one dead-lettered as written
        {
          key: null,
          value: JSON.stringify({
            v: 3,
            n: 3,
            shared: {
              pollutant: 'pm25',
              time: '2025-04-01T01:00:00+08:00',
              unit: 'µg/m³',
              sourceValid: true,
              status: 'provisional',
              source: { kind: 'feed', id: 'f' },
              arrivedAt: '2025-04-01T01:20:00+08:00',
            },
            columns: { station: ['X3', 'X4', 'X5'], value: [12, 'twelve', 14] },
          }),
          partition: 0,
          offset: '43',
        },
      ],
    });
    expect(result).toMatchObject({ deadLettered: 3, stored: 2, readings: 2 });
    expect((await currentReadings(store, { stations: ['X3', 'X4', 'X5'] })).map((r) => [r.station, r.value])).toEqual([
      ['X3', 12],
      ['X5', 14],
    ]);
    const rs = await store.client.query({
      query: `SELECT station, code, reason, record_index, record FROM \`${store.database}\`.rejects WHERE source_kind = 'bus' ORDER BY record_index`,
      format: 'JSONEachRow',
    });
    const rejects = await rs.json<{
      station: string;
      code: string;
      reason: string;
      record_index: string;
      record: string;
    }>();
    expect(rejects.map((r) => [r.station, r.code, Number(r.record_index)])).toEqual([
      ['X1', 'READING_INVALID', 41],
      ['X2', 'MESSAGE_MALFORMED', 42],
      ['', 'READING_INVALID', 43],
    ]);
    expect(rejects[0]?.reason).toMatch(/^1 of 1 readings refused: .*readings\.0\.pollutant/);
    expect(rejects[1]?.reason).toMatch(/^not JSON/);
    expect(rejects[2]?.reason).toMatch(/^1 of 3 readings refused: readings\.1\.value: /);
    const letter = JSON.parse(rejects[2]?.record ?? '') as {
      refused: { index: number; written: Record<string, unknown> }[];
    };
    expect(letter.refused).toMatchObject([
      { index: 1, written: { station: 'X4', value: 'twelve', pollutant: 'pm25' } },
    ]);
  });

  it('flags constant runs and spikes against the hours already stored, and keeps them valid', async () => {
    const logger = silentLogger();
    const bus = createInProcessBus({ logger });
    const readingStore = createClickHouseReadingStore(store);
    const processor = createProcessor({
      source: bus.source,
      store: readingStore,
      deadLetters: createStoreDeadLetterSink(readingStore),
      logger,
    });
    const running = processor.run();
    const startMs = Date.UTC(2025, 5, 1, 0);
    // 1143A PM2.5: five hours of 425 in one delivery, the sixth 425 an hour later → a constant run.
    // 1144A PM2.5: 40, 50, 45, then 300 in a later delivery → a spike (+255 over the median 45, > 3×).
    const pm = (station: string, values: number[], fromHour: number) =>
      hourlyReadings({
        stations: [station],
        pollutants: ['pm25'],
        startMs: startMs + fromHour * 3_600_000,
        hours: values.length,
        valueOf: (_s, _p, h) => values[h] as number,
      });
    await bus.sink.publish([...pm('1143A', [425, 425, 425, 425, 425], 0), ...pm('1144A', [40, 50, 45], 0)]);
    await bus.sink.publish([...pm('1143A', [425], 5), ...pm('1144A', [300], 3)]);
    const rows = await currentReadings(store, {
      stations: ['1143A', '1144A'],
      fromMs: startMs,
      toMs: startMs + 7 * 3_600_000,
    });
    const flagsOf = (station: string) => rows.filter((r) => r.station === station).map((r) => [r.qc_flags, r.valid]);
    expect(flagsOf('1143A')).toEqual([
      [[], true],
      [[], true],
      [[], true],
      [[], true],
      [[], true],
      [['constant_run'], true],
    ]);
    expect(flagsOf('1144A')).toEqual([
      [[], true],
      [[], true],
      [[], true],
      [['spike'], true],
    ]);
    await processor.stop();
    await running;
  });
});
