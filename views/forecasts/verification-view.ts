import { addDays, dayNumber, InputError } from '../../kernel';
import type { AqiResponse, Forecast, StationListVersion, VerificationQuery, VerificationResponse } from '../../schemas';
import { stationsOfArea } from '../stats/areas';
import { dayKey, type ObservedDay, verifyForecasts } from './verification';

/** What the verification reads of the stored forecasts (ARCHITECTURE.md rule 1; infra/clickhouse). */
export interface ForecastSource {
  /** Each identity's issue in force at `asOfMs` (default: now), filtered (docs/standards.md §9.1). */
  inForce(filter: {
    asOfMs?: number;
    fromDay?: string;
    toDay?: string;
    cities?: readonly string[];
    source?: string;
    lead?: number;
    /** At most this many rows (default: all). */
    limit?: number;
  }): Promise<Forecast[]>;
}

export interface VerificationDeps {
  forecasts: ForecastSource;
  /**
   * Every city's daily AQI on each day of [fromDay, toDay], each day as `/v1/aqi?level=region&id=yrd`
   * answers it (one read for the span, views/stats/daily-aqi.ts); a day with none may be absent.
   */
  observedDays: (fromDay: string, toDay: string) => Promise<ReadonlyMap<string, AqiResponse['results']>>;
  /** The station list in force on a day, for the cities of an area. */
  versionAt: (day: string) => Promise<StationListVersion | undefined>;
}

/** The longest verification window, days. */
export const MAX_VERIFICATION_DAYS = 366;
/** Climatology: the earlier years, and the half-width of the calendar window around each day. */
const CLIMATOLOGY_YEARS = 3;
const CLIMATOLOGY_HALF_WINDOW_DAYS = 7;

/** The same calendar day `years` earlier (29 February becomes the 28th). */
function yearsBefore(day: string, years: number): string {
  const y = Number(day.slice(0, 4)) - years;
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${String(y).padStart(4, '0')}-${md}`;
}

function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * `GET /v1/forecasts/verification`: the forecasts in force for an area's cities and a window of valid
 * dates, against the observed city daily AQI (the city's AQI as /v1/aqi gives it) of those days, of
 * the day before each issue day (persistence) and of the same calendar window in the three earlier
 * years (climatology) — docs/standards.md §9.2.
 */
export async function forecastVerification(
  deps: VerificationDeps,
  q: VerificationQuery,
): Promise<VerificationResponse> {
  const span = dayNumber(q.to) - dayNumber(q.from);
  if (span < 0 || span >= MAX_VERIFICATION_DAYS)
    throw new InputError(
      'QUERY_INVALID_RANGE',
      `from/to: from must not be after to, and at most ${MAX_VERIFICATION_DAYS} days`,
      {
        from: q.from,
        to: q.to,
      },
    );
  const version = await deps.versionAt(q.to);
  const cities = [...new Set(stationsOfArea(version?.stations ?? [], q.level, q.id).map((s) => s.city))];
  if (cities.length === 0)
    throw new InputError('QUERY_UNKNOWN_AREA', `id: no ${q.level} ${q.id} in the station list (see /v1/stations)`, {
      level: q.level,
      id: q.id,
    });
  const forecasts = await deps.forecasts.inForce({
    fromDay: q.from,
    toDay: q.to,
    cities,
    source: q.source,
    lead: q.lead,
  });
  const wanted = new Set(cities);
  const observed = new Map<string, ObservedDay>();
  // The valid dates, and the days before each issue day (persistence), which reach back 8 days: one span.
  const issueDaysBefore = forecasts.map((f) => addDays(f.issueDay, -1));
  const firstObserved = issueDaysBefore.reduce((a, b) => (b < a ? b : a), q.from);
  for (const [day, results] of await deps.observedDays(firstObserved, q.to))
    for (const r of results)
      if (wanted.has(r.area) && r.aqi !== null) observed.set(dayKey(r.area, day), { aqi: r.aqi, primary: r.primary });
  const climatology = new Map<string, number>();
  const earlier = new Map<string, number>();
  const earlierKey = (city: string, years: number, day: string): string => `${years}|${dayKey(city, day)}`;
  const window = daysFrom(addDays(q.from, -CLIMATOLOGY_HALF_WINDOW_DAYS), addDays(q.to, CLIMATOLOGY_HALF_WINDOW_DAYS));
  for (let y = 1; y <= CLIMATOLOGY_YEARS; y++) {
    const then = await deps.observedDays(yearsBefore(window[0] as string, y), yearsBefore(window.at(-1) as string, y));
    for (const day of window) {
      for (const r of then.get(yearsBefore(day, y)) ?? [])
        if (wanted.has(r.area) && r.aqi !== null) earlier.set(earlierKey(r.area, y, day), r.aqi);
    }
  }
  for (const city of cities) {
    for (const day of daysFrom(q.from, q.to)) {
      const values: number[] = [];
      for (let y = 1; y <= CLIMATOLOGY_YEARS; y++) {
        for (let k = -CLIMATOLOGY_HALF_WINDOW_DAYS; k <= CLIMATOLOGY_HALF_WINDOW_DAYS; k++) {
          const v = earlier.get(earlierKey(city, y, addDays(day, k)));
          if (v !== undefined) values.push(v);
        }
      }
      if (values.length > 0) climatology.set(dayKey(city, day), values.reduce((a, b) => a + b, 0) / values.length);
    }
  }
  return {
    level: q.level,
    id: q.id,
    from: q.from,
    to: q.to,
    results: verifyForecasts(forecasts, observed, climatology),
  };
}
