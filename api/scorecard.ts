import type { Scorecard } from '../schemas/api/scorecard';
import type { Province } from '../schemas/station';
import { percentile } from '../processing/stats/percentile';
import type { StationDelivery } from './ports';

const HOUR_MS = 3_600_000;
const POLLUTANTS_PER_HOUR = 6;


const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

function delivery(expected: number, rows: readonly StationDelivery[]): Omit<Scorecard['summary'], 'rejectsByCode'> {
  const received = rows.reduce((n, r) => n + r.received, 0);
  const valid = rows.reduce((n, r) => n + r.valid, 0);
  const audited = rows.reduce((n, r) => n + r.audited, 0);
  const delays = rows.flatMap((r) => r.delaysMin).sort((a, b) => a - b);
  return {
    expected,
    received,
    valid,
    capture: ratio(valid, expected),
    corrected: rows.reduce((n, r) => n + r.corrected, 0),
    auditedShare: ratio(audited, received),
    timeliness: {
      n: delays.length,
      p50Minutes: round1(percentile(delays, 50)),
      p90Minutes: round1(percentile(delays, 90)),
      p99Minutes: round1(percentile(delays, 99)),
      withinHourShare: ratio(delays.filter((d) => d <= 60).length, delays.length),
    },
  };
}

/**
 * A centre's delivery scorecard (issue 11 §5): per station and in all, against the hours the
 * period should hold for each of the centre's stations in service.
 */
export function buildScorecard(input: {
  centre: Province;
  fromMs: number;
  toMs: number;
  stations: readonly string[];
  rows: readonly StationDelivery[];
  rejectsByCode: Record<string, number>;
}): Scorecard {
  const perStationExpected = Math.round((input.toMs - input.fromMs) / HOUR_MS) * POLLUTANTS_PER_HOUR;
  const byStation = new Map(input.rows.map((r) => [r.station, r]));
  const empty = (station: string): StationDelivery => ({ station, received: 0, valid: 0, corrected: 0, audited: 0, delaysMin: [] });
  const all = input.stations.map((s) => byStation.get(s) ?? empty(s));
  return {
    centre: input.centre,
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    stations: input.stations.length,
    summary: { ...delivery(perStationExpected * input.stations.length, all), rejectsByCode: input.rejectsByCode },
    perStation: all.map((r) => ({ station: r.station, ...delivery(perStationExpected, [r]) })),
  };
}
