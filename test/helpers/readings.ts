import type { Reading } from '../../schemas/reading';
import { CANONICAL_UNIT, type Pollutant } from '../../schemas/pollutant';

/** A valid provisional feed reading; override any field. */
export function aReading(overrides: Partial<Reading> = {}): Reading {
  const pollutant: Pollutant = overrides.pollutant ?? 'pm25';
  return {
    station: '1141A',
    pollutant,
    time: '2025-03-01T01:00:00+08:00',
    value: 35,
    unit: CANONICAL_UNIT[pollutant],
    sourceFlag: 'N',
    sourceValid: true,
    status: 'provisional',
    source: { kind: 'feed', id: 'test-feed' },
    arrivedAt: '2025-03-01T01:20:00+08:00',
    ...overrides,
  };
}

/** `hours` consecutive hourly readings for each station and pollutant, values from `valueOf`. */
export function hourlyReadings(opts: {
  stations: string[];
  pollutants: Pollutant[];
  startMs: number;
  hours: number;
  valueOf: (station: string, pollutant: Pollutant, hour: number) => number;
  arrivedAt?: string;
}): Reading[] {
  const out: Reading[] = [];
  for (const station of opts.stations) {
    for (const pollutant of opts.pollutants) {
      for (let h = 0; h < opts.hours; h++) {
        const t = opts.startMs + h * 3_600_000;
        out.push(
          aReading({
            station,
            pollutant,
            time: new Date(t).toISOString(),
            value: opts.valueOf(station, pollutant, h),
            arrivedAt: opts.arrivedAt ?? new Date(t + 20 * 60_000).toISOString(),
          }),
        );
      }
    }
  }
  return out;
}
