import { describe, expect, it } from 'vitest';
import { createModel, TRANSPORT_LINKS } from '../../tools/simulator/model';
import { bundledVersion } from '../../ingest/stations/registry-files';
import type { Province } from '../../schemas/station';
import { transportMatrix, transportMinHours, transportParameters } from './transport';

const HOUR = 3_600_000;
const PROVINCES: Province[] = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'];

/** Province hourly PM2.5 from the simulator's model: the mean of eight stations of each. */
function provinceSeries(days: number, startMs: number, seed: number): Record<string, number[]> {
  const model = createModel(seed);
  const stations = bundledVersion().stations;
  const out: Record<string, number[]> = {};
  for (const p of PROVINCES) {
    const mine = stations.filter((s) => s.province === p && !s.stopped).slice(0, 8);
    out[p] = Array.from(
      { length: days * 24 },
      (_, h) =>
        mine.reduce((sum, s) => sum + model.stationHour(s, startMs + (h + 1) * HOUR).values.pm25, 0) / mine.length,
    );
  }
  return out;
}

describe('transport matrix on the simulator’s ground truth (shared weather and daily cycles included)', () => {
  const truth = TRANSPORT_LINKS.map((l) => `${l.from}->${l.to}@${l.lagHours}`).sort();
  // Seasons and lengths differ: winter 120 days, the warm half-year of 180 days (the simulator's local rain, coal, traffic and dust processes leave 60–120 summer days short of resolving the weakest link, coefficient 0.4), and a whole year.
  it.each([
    [7, '2025-01-01', 120],
    [1, '2024-06-01', 180],
    [3, '2024-01-01', 365],
  ])(
    'seed %i from %s over %i days: each simulated link at its lag, and no other',
    (seed, from, days) => {
      const r = transportMatrix(provinceSeries(days, Date.parse(`${from}T00:00:00+08:00`), seed), { firstLabel: 1 });
      const found = r.pairs
        .filter((p) => p.significant)
        .map((p) => `${p.from}->${p.to}@${p.lagHours}`)
        .sort();
      expect(found).toEqual(truth);
      // The influence is positive and the profile peaks at the simulated lag.
      for (const l of TRANSPORT_LINKS)
        expect(r.pairs.find((p) => p.from === l.from && p.to === l.to)?.effect).toBeGreaterThan(0);
    },
    120_000,
  );
});

describe('what the matrix rests on', () => {
  const series = (n: number, seed: number): (number | null)[] =>
    Array.from({ length: n }, (_, i) => 30 * Math.exp(Math.sin(i * 0.7 + seed) + 0.3 * Math.cos(i * 1.3 * seed)));
  it('counts each area’s hours with data and each pair’s complete hours, the fewest over the lags', () => {
    const gappy = series(400, 4);
    for (let i = 100; i < 150; i++) gappy[i] = null;
    gappy[200] = 0; // not usable in a log
    const r = transportMatrix({ a: series(400, 1), b: series(400, 2), c: series(400, 3), d: gappy }, { firstLabel: 1 });
    expect(r.hoursWithData).toEqual({ a: 400, b: 400, c: 400, d: 349 });
    // Complete series: each AR(4) innovation from the 5th hour, the source's 24 h earlier from the 29th.
    const full = transportMatrix(
      { a: series(400, 1), b: series(400, 2), c: series(400, 3), d: series(400, 4) },
      { firstLabel: 1 },
    );
    expect(new Set(full.pairs.map((p) => p.hoursUsed))).toEqual(new Set([400 - 28]));
    // Every pair's regression has d in it (as source, receiver or control): d's innovation is missing
    // in the 50 empty hours, the 4 after them and the 5 from the zero on, so each pair loses at least 59.
    for (const p of r.pairs) expect(p.hoursUsed).toBeLessThanOrEqual(400 - 28 - 59);
  });
  it('needs 10 hours per parameter: intercept, the source at t, the others at t and t − 1, each lag', () => {
    expect(transportParameters(4, 24)).toBe(30);
    expect(transportMinHours(4, 24)).toBe(300);
    expect(transportMinHours(4, 6)).toBe(120);
  });
});
