import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadings } from '../../bus';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { pruneSupersededRevisions } from '../../infra/clickhouse/retention.clickhouse';
import { createProcessor } from '../../processing';
import type { Reading } from '../../schemas/reading';
import { countRows, currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.dispose());

const A = '2025-01-01T01:00:00+08:00';
const B = '2025-01-01T02:00:00+08:00';
const C = '2025-01-01T03:00:00+08:00';
const recent = new Date(Date.now() - 3_600_000).toISOString();

describe('retention of superseded revisions (REVISION_RETENTION_DAYS, yrd-air prune) (stubbed source)', () => {
  it('deletes old superseded revisions only; the latest provisional and audited revision of each reading stay', async () => {
    const arrivals: Reading[] = [
      aReading({ time: A, value: 10, arrivedAt: '2025-01-01T01:20:00Z' }),
      aReading({ time: A, value: 11, arrivedAt: '2025-01-01T02:20:00Z' }),
      aReading({ time: A, value: 12, arrivedAt: '2025-01-02T00:00:00Z' }),
      aReading({ time: A, value: 13, status: 'audited', arrivedAt: '2025-02-05T00:00:00Z' }),
      aReading({ time: B, value: 20, arrivedAt: '2025-01-01T02:20:00Z' }),
      aReading({ time: C, value: 4, arrivedAt: '2025-01-01T03:20:00Z' }),
      aReading({ time: C, value: 5, arrivedAt: recent }),
    ];
    const processor = createProcessor({
      source: { run: async () => {}, stop: async () => {} },
      store: createClickHouseReadingStore(store),
      deadLetters: { publish: async () => {} },
      logger: silentLogger(),
    });
    // One arrival per batch, in arrival order, as they came.
    for (const [i, r] of arrivals.entries())
      await processor.handleBatch({
        topic: 't',
        partition: 0,
        messages: encodeReadings([r]).map((m) => ({ ...m, partition: 0, offset: String(i) })),
      });
    expect(await countRows(store, 'reading_revisions')).toBe(7);

    const pruned = await pruneSupersededRevisions(store, Date.now() - 30 * 86_400_000);
    // Gone: A's 10 and 11 (old, superseded by 12 and then the audited 13), C's 4 (old, superseded by the recent 5).
    expect(pruned).toBe(3);
    expect(await countRows(store, 'reading_revisions')).toBe(4);
    const current = await currentReadings(store, { stations: ['1141A'] });
    expect(current.map((r) => [r.value, r.status])).toEqual([
      [13, 'audited'],
      [20, 'provisional'],
      [5, 'provisional'],
    ]);
    // Pruning again finds nothing more.
    expect(await pruneSupersededRevisions(store, Date.now() - 30 * 86_400_000)).toBe(0);
  });
});
