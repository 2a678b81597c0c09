import type { AqiWindow, HourlyAqiRow } from '../../schemas';
import { MOVING_INDICATORS } from './moving-aqi';
import type { FileColumn } from './series';

/** The IAQI columns of a file, `iaqi_<indicator>`: the real-time report's six (docs/standards.md §4.6). */
export const FILE_IAQI = ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3_1h'] as const;
/** The concentration columns, named as the JSON's `concentrations` keys. */
export const FILE_CONCENTRATIONS = ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3', 'so2_24h'] as const;
/** window=24h: the moving AQI's six IAQIs and its moving values (docs/standards.md §4.9). */
const FILE_IAQI_24H = ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3_8h', 'o3_1h'] as const;
const FILE_CONCENTRATIONS_24H = [...MOVING_INDICATORS, 'o3_1h_24h'] as const;

/**
 * The rows of `GET /v1/aqi/hourly` as the flat table its CSV, Parquet and Arrow files hold: a row per
 * JSON row, in its order, with the JSON's nested parts spread into columns — `iaqi_<indicator>`,
 * `category_level`, `category_zh`, `category_en`, `colour`, `rgb` (`R,G,B`), a concentration per
 * pollutant under its own name, `primary` and `missing` as comma-separated codes; an absent value
 * is empty (null).
 */
export function hourlyAqiFile(rows: readonly HourlyAqiRow[], window: AqiWindow = '1h'): FileColumn[] {
  const iaqis = window === '24h' ? FILE_IAQI_24H : FILE_IAQI;
  const concentrations = window === '24h' ? FILE_CONCENTRATIONS_24H : FILE_CONCENTRATIONS;
  const col = (
    name: string,
    type: FileColumn['type'],
    of: (r: HourlyAqiRow) => string | number | boolean | null,
  ): FileColumn => ({ name, type, values: rows.map(of) });
  return [
    col('id', 'String', (r) => r.id),
    col('time', 'Instant', (r) => r.time),
    col('regime', 'String', (r) => r.regime),
    col('aqi', 'Nullable(Int32)', (r) => r.aqi),
    ...iaqis.map((p) => col(`iaqi_${p}`, 'Nullable(Int32)', (r) => r.iaqi[p] ?? null)),
    col('primary', 'String', (r) => r.primary.join(',')),
    col('category_level', 'Nullable(String)', (r) => r.category?.level ?? null),
    col('category_zh', 'Nullable(String)', (r) => r.category?.zh ?? null),
    col('category_en', 'Nullable(String)', (r) => r.category?.en ?? null),
    col('colour', 'Nullable(String)', (r) => r.category?.colour ?? null),
    col('rgb', 'Nullable(String)', (r) => r.category?.rgb.join(',') ?? null),
    ...concentrations.map((p) => col(p, 'Nullable(Float64)', (r) => r.concentrations[p] ?? null)),
    col('missing', 'String', (r) => r.missing.join(',')),
    col('partial', 'Bool', (r) => r.partial),
    col('withheld', 'Bool', (r) => r.withheld),
  ];
}
