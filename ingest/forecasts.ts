import { parse } from 'csv-parse/sync';
import { cstDayOf, dayNumber } from '../kernel';
import {
  type Centre,
  type Forecast,
  type ForecastCategory,
  type ForecastPushResult,
  MAX_FORECAST_LEAD_DAYS,
  type Province,
  zForecastRecord,
} from '../schemas';

/** The categories in order of HJ 633 Table 2 with the upper AQI of each. */
const CATEGORY_TOP: readonly [ForecastCategory, number][] = [
  ['优', 50],
  ['良', 100],
  ['轻度污染', 150],
  ['中度污染', 200],
  ['重度污染', 300],
  ['严重污染', Infinity],
];

/** The category an AQI falls in (HJ 633 Table 2). */
export const categoryOfAqi = (aqi: number): ForecastCategory =>
  CATEGORY_TOP.find(([, top]) => aqi <= top)?.[0] ?? '严重污染';

export interface ForecastIntake {
  centre: Centre;
  /** A JSON array of records, or CSV bytes whose header names the same fields. */
  body: unknown;
  format: 'json' | 'csv';
  /** Each city of the station list in force, with its province. */
  cities: ReadonlyMap<string, Province>;
  receivedAtMs: number;
}

type Rejection = ForecastPushResult['rejected'][number];

const NUMERIC = new Set(['aqiLow', 'aqiHigh', 'pm25', 'o3_mda8']);

/**
 * A CSV row as the JSON record it stands for: numbers read as numbers, `primary` split on `;`, `|`
 * or spaces, an empty cell as an absent field (so the schema reports what is wrong with it).
 */
function csvRecord(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === '') continue;
    if (k === 'primary') out[k] = v.split(/[;|\s]+/).filter((x) => x !== '');
    else if (NUMERIC.has(k)) out[k] = Number.isNaN(Number(v)) ? v : Number(v);
    else out[k] = v;
  }
  return out;
}

/** The records of a body, or the one problem with the body as a whole. */
function recordsOf(intake: ForecastIntake): unknown[] | Rejection {
  const whole = (reason: string): Rejection => ({
    index: -1,
    city: '',
    code: 'FORECAST_INVALID',
    field: '(body)',
    reason,
  });
  if (intake.format === 'json') {
    return Array.isArray(intake.body) ? intake.body : whole('expected a JSON array of forecasts, or text/csv');
  }
  const bytes = intake.body as Uint8Array | string;
  try {
    const rows = parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes), {
      bom: true,
      columns: true,
      skip_empty_lines: true,
      trim: true,
    }) as Record<string, string>[];
    return rows.map(csvRecord);
  } catch (err) {
    return whole(`not CSV with a header of the forecast fields: ${(err as Error).message}`);
  }
}

/**
 * The checks of `POST /v1/forecasts` (ARCHITECTURE.md invariant 5, rule 7): each record against the
 * forecast schema, its lead within 0–7 days, its city in the station list and — for a centre's key —
 * in the centre's own province (invariant 6; the coordinator may post any). Every refused record is
 * answered with its index, field and reason; the others are returned to be stored. `category`
 * defaults to the category of the range's upper end; the identity day is the CST day of issuedAt
 * (docs/standards.md §9.1).
 */
export function checkForecasts(intake: ForecastIntake): { accepted: Forecast[]; rejected: Rejection[] } {
  const records = recordsOf(intake);
  if (!Array.isArray(records)) return { accepted: [], rejected: [records] };
  const accepted: Forecast[] = [];
  const rejected: Rejection[] = [];
  const receivedAt = new Date(intake.receivedAtMs).toISOString();
  records.forEach((record, index) => {
    const raw = (record ?? {}) as Record<string, unknown>;
    const city = typeof raw.city === 'string' ? raw.city : '';
    const refuse = (code: Rejection['code'], field: string, reason: string): void =>
      void rejected.push({ index, city, code, field, reason });
    const parsed = zForecastRecord.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      refuse('FORECAST_INVALID', issue?.path.join('.') || '(record)', issue?.message ?? 'invalid forecast');
      return;
    }
    const r = parsed.data;
    const issuedMs = Date.parse(r.issuedAt);
    const issueDay = cstDayOf(issuedMs);
    const lead = dayNumber(r.validDate) - dayNumber(issueDay);
    if (lead < 0 || lead > MAX_FORECAST_LEAD_DAYS) {
      refuse(
        'FORECAST_INVALID',
        'validDate',
        `lead ${lead} days (validDate ${r.validDate} − issue day ${issueDay} CST) is outside 0–${MAX_FORECAST_LEAD_DAYS}`,
      );
      return;
    }
    const province = intake.cities.get(r.city);
    if (!province) {
      refuse('FORECAST_UNKNOWN_CITY', 'city', `no city ${r.city} in the station list in force`);
      return;
    }
    if (intake.centre !== 'coordinator' && province !== intake.centre) {
      refuse('FORECAST_CITY_NOT_OWNED', 'city', `city ${r.city} belongs to ${province}, not ${intake.centre}`);
      return;
    }
    accepted.push({
      city: r.city,
      province,
      source: r.source,
      issuedAt: new Date(issuedMs).toISOString(),
      issueDay,
      validDate: r.validDate,
      lead,
      aqiLow: r.aqiLow,
      aqiHigh: r.aqiHigh,
      category: r.category ?? categoryOfAqi(r.aqiHigh),
      primary: r.primary,
      pm25: r.pm25 ?? null,
      o3_mda8: r.o3_mda8 ?? null,
      centre: intake.centre,
      receivedAt,
    });
  });
  return { accepted, rejected };
}
