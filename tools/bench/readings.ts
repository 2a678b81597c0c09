import { createModel } from '../simulator';
import { bundledVersion } from '../../ingest';
import { HOUR_MS } from '../../kernel';
import { type Reading, POLLUTANTS } from '../../schemas';

/**
 * The ingest benchmark's readings: the simulator's model for the first 120 (quick: 40) running
 * stations over 240 (quick: 72) hours from 1 June 2025, six pollutants, in feed order (hour by
 * hour, every station). Deterministic, so the bench and its publisher process make the same ones.
 */
export function benchReadings(quick: boolean): {
  readings: Reading[];
  stations: string[];
  hours: number;
  startMs: number;
} {
  const model = createModel(3);
  const stations = bundledVersion()
    .stations.filter((x) => !x.stopped)
    .slice(0, quick ? 40 : 120);
  const hours = quick ? 72 : 240;
  const startMs = Date.parse('2025-06-01T00:00:00+08:00');
  const readings: Reading[] = [];
  for (let h = 1; h <= hours; h++) {
    for (const st of stations) {
      const v = model.stationHour(st, startMs + h * HOUR_MS).values;
      for (const p of POLLUTANTS)
        readings.push({
          station: st.code,
          pollutant: p,
          time: new Date(startMs + h * HOUR_MS).toISOString(),
          value: Math.round(v[p] * 10) / 10,
          unit: p === 'co' ? 'mg/m³' : 'µg/m³',
          sourceFlag: '',
          sourceValid: true,
          status: 'provisional',
          source: { kind: 'feed', id: 'bench' },
          arrivedAt: new Date(startMs + h * HOUR_MS + 1200_000).toISOString(),
        });
    }
  }
  return { readings, stations: stations.map((s) => s.code), hours, startMs };
}
