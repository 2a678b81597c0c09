import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../ingest/adapters';
import type { ReadingSink } from '../../ingest';
import { createPullScheduler } from '../../ingest/scheduler';
import { startSimulator, feedsFileFor, virtualClock, type Simulator, type VirtualClock } from '../../tools/simulator';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { createMemoryWatermarkStore } from '../../ingest/watermarks';
import type { Reading } from '../../schemas/reading';
import type { Reject } from '../../schemas/reject';
import { zFeedsFile } from '../../schemas/feeds/feed-definition';
import { silentLogger } from '../helpers/logger';

const HOUR = 3_600_000;
let sim: Simulator;
let clock: VirtualClock;
const origin = Date.parse('2025-03-01T00:00:00+08:00');

beforeAll(async () => {
  clock = virtualClock(origin + 20 * HOUR + 10 * 60_000);
  sim = await startSimulator({
    seed: 7,
    clock,
    originMs: origin,
    ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
  });
});
afterAll(async () => sim?.stop());

/** Latest value per identity, as a store would keep it, from everything the sink got in order. */
function latest(readings: readonly Reading[]): Map<string, number | null> {
  const m = new Map<string, number | null>();
  for (const r of readings) m.set(`${r.station}|${r.pollutant}|${Date.parse(r.time)}`, r.value);
  return m;
}

describe('the four adapters against the simulator, over real HTTP', () => {
  it('bring in exactly what the simulator says it served, and corrections after they are published', async () => {
    const readings: Reading[] = [];
    const rejects: Reject[] = [];
    const sink: ReadingSink = {
      publish: async (rs) => void readings.push(...rs),
      publishRejects: async (rs) => void rejects.push(...rs),
      close: async () => {},
    };
    const feeds = zFeedsFile.parse(feedsFileFor(sim)).feeds;
    const registry = createStationRegistry([bundledVersion()]);
    const scheduler = createPullScheduler({
      feeds,
      adapters: ADAPTERS,
      sink,
      registry: () => registry,
      watermarks: createMemoryWatermarkStore(),
      logger: silentLogger(),
      now: () => new Date(clock.now()),
    });

    const check = () => {
      const got = latest(readings);
      const served = sim.lastServed();
      const expected = new Map(served.map((s) => [`${s.station}|${s.pollutant}|${s.timeMs}`, s.value]));
      // Nearly every station-hour-pollutant of the hours published so far (a few percent are quirks).
      const hours = Math.floor((clock.now() - 30 * 60_000 - origin) / HOUR) + 1;
      expect(expected.size).toBeGreaterThan(hours * sim.stations.length * 6 * 0.85);
      expect(got.size).toBe(expected.size);
      for (const [k, v] of expected) expect(got.get(k), k).toBe(v);
    };

    for (const f of feeds) await scheduler.pullNow(f.name);
    check();
    // Malformed values are refused with a reason, never stored.
    expect(rejects.length).toBeGreaterThan(0);
    expect(rejects.every((r) => r.code === 'READING_INVALID' && r.reason.includes('"abc"'))).toBe(true);
    const status = scheduler.status();
    expect(status.every((s) => s.lastError === null && s.lastSuccessAt !== null)).toBe(true);

    // Seven hours on: new hours, late publications and corrections arrive through the look-back or the cursor.
    clock.advance(7 * HOUR);
    const before = readings.length;
    for (const f of feeds) await scheduler.pullNow(f.name);
    expect(readings.length).toBeGreaterThan(before);
    check();
    const corrected = sim.lastServed().filter((s) => {
      const h = sim.publication.publishedHour(
        sim.stations.find((st) => st.code === s.station)!,
        s.timeMs,
      );
      return s.pollutant === 'pm25' && h?.correction && h.correction.publishedMs <= clock.now();
    });
    expect(corrected.length).toBeGreaterThan(0);
  });
});
