import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reading } from '../schemas/reading';
import type { Reject } from '../schemas/reject';
import type { Station } from '../schemas/station';
import { cnemcArchive } from './adapters/cnemc-archive';
import { runBackfill } from './backfill';
import { createIngestMetrics } from './metrics';
import type { ReadingSink } from './reading-sink';
import { createStationRegistry } from './stations/registry';

const FILE = fileURLToPath(new URL('../test/fixtures/feeds/cnemc-archive-20250301.csv', import.meta.url));

const station = (code: string): Station => ({
  code,
  name: code,
  city: 'c',
  countyCity: '',
  province: 'shanghai',
  lon: null,
  lat: null,
  control: false,
  stopped: false,
});
// 1151A, a column of the file, is not in the registry.
const registry = createStationRegistry([
  { version: 'v', validFrom: '2013-01-01', stations: [station('1141A'), station('1142A')] },
]);

function collectingSink(): ReadingSink & { readings: Reading[]; rejects: Reject[] } {
  const sink = {
    readings: [] as Reading[],
    rejects: [] as Reject[],
    publish: async (rs: readonly Reading[]) => void sink.readings.push(...rs),
    publishRejects: async (rs: readonly Reject[]) => void sink.rejects.push(...rs),
    close: async () => {},
  };
  return sink;
}

describe('backfill', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'backfill-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('counts its readings and rejects in the ingest metrics, as the other sources do', async () => {
    const metrics = createIngestMetrics(new Registry());
    const sink = collectingSink();
    const summary = await runBackfill({
      files: [FILE],
      sink,
      registry,
      archive: cnemcArchive,
      stateFile: join(dir, 'state.json'),
      metrics,
    });
    expect(summary.readings).toBeGreaterThan(0);
    expect(summary.rejectsByCode.READING_UNKNOWN_STATION).toBe(1);

    const readings = (await metrics.readings.get()).values;
    expect(readings).toEqual([
      { labels: { source_kind: 'backfill', province: 'coordinator' }, value: sink.readings.length },
    ]);
    expect(sink.readings).toHaveLength(summary.readings);
    const rejects = Object.fromEntries(
      (await metrics.rejects.get()).values.map((v) => {
        expect(v.labels.source_kind).toBe('backfill');
        return [v.labels.code, v.value];
      }),
    );
    expect(rejects).toEqual(summary.rejectsByCode);
    expect(sink.rejects).toHaveLength(Object.values(summary.rejectsByCode).reduce((a, b) => a + b, 0));
  });
});
