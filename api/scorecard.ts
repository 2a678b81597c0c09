import { floorHour, HOUR_MS } from '../kernel';
import type { CentreSummary, Scorecard, Province } from '../schemas';
import { percentile } from '../views';
import type { ScorecardQueries, StationDelivery, StationQueries } from './ports';

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
 * A centre's delivery scorecard: per station and in all, against the hours the
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
  const empty = (station: string): StationDelivery => ({
    station,
    received: 0,
    valid: 0,
    corrected: 0,
    audited: 0,
    delaysMin: [],
  });
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

/** Reads what a centre's scorecard needs and builds it (the route, the summary and /metrics share this). */
export async function centreScorecard(
  deps: { scorecards: ScorecardQueries; stations: StationQueries },
  centre: Province,
  range: { fromMs: number; toMs: number },
): Promise<Scorecard> {
  const list = await deps.stations.current({ province: centre, atMs: range.toMs - 1 });
  const stations = (list?.stations ?? []).filter((s) => !s.stopped).map((s) => s.code);
  // The range is on hour-ending times [from, to); the store's `time` is the hour's end too.
  const [rows, rejectsByCode] = await Promise.all([
    deps.scorecards.perStation({ stations, ...range }),
    deps.scorecards.rejectsByCode({ centre, ...range }),
  ]);
  return buildScorecard({ centre, ...range, stations, rows, rejectsByCode });
}

export const CENTRES: readonly Province[] = ['shanghai', 'jiangsu', 'zhejiang', 'anhui'];

/** The headline figures of every centre over the last `hours` complete hours (dashboard, /metrics). */
export async function centreSummaries(
  deps: { scorecards: ScorecardQueries; stations: StationQueries },
  hours: number,
  nowMs: number,
): Promise<CentreSummary[]> {
  // The hours ending at the last full hour and the `hours − 1` before it: [from, to) on hour ends.
  const toMs = floorHour(nowMs) + HOUR_MS;
  const range = { fromMs: toMs - hours * HOUR_MS, toMs };
  return Promise.all(
    CENTRES.map(async (centre) => {
      const card = await centreScorecard(deps, centre, range);
      const s = card.summary;
      return {
        centre,
        from: card.from,
        to: card.to,
        stations: card.stations,
        capture: s.capture,
        p50Minutes: s.timeliness.p50Minutes,
        p90Minutes: s.timeliness.p90Minutes,
        withinHourShare: s.timeliness.withinHourShare,
        corrected: s.corrected,
        auditedShare: s.auditedShare,
        rejects: Object.values(s.rejectsByCode).reduce((a, b) => a + b, 0),
      };
    }),
  );
}
