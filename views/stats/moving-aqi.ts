import { HOUR_MS } from '../../kernel';
import { dailyAqi, roundGbt8170, type AqiResult, type AqiRounding } from './aqi';
import { cityMean, stationDecimals } from './city-values';
import { type Regime, VALIDITY } from './standards';

/**
 * The 24-hour moving AQI of the real-time report (docs/standards.md §4.9), defined once: pure
 * functions over a station's valid hourly values, keyed by hour-ending instant (ms). Nothing here
 * reads the store.
 */

/** A station's valid 1-h values (µg/m³, CO mg/m³) by hour-ending instant (ms). */
export type HourValues = ReadonlyMap<number, number>;

/** The hourly pollutants a moving value is formed from, as /v1/series names them. */
export const MOVING_SOURCES = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3'] as const;
export type MovingSource = (typeof MOVING_SOURCES)[number];

/**
 * The moving values, named as the national centre's archive names them (docs/standards.md §4.9):
 * the 24-h moving means, the highest 8-h moving O3 of the 24 hours (`o3_8h_24h`), and the highest
 * 1-h O3 of the 24 hours (`o3_1h_24h`), which HJ 633-2012 scores only for an 8-h O3 above 800.
 */
export const MOVING_INDICATORS = ['pm25_24h', 'pm10_24h', 'so2_24h', 'no2_24h', 'co_24h', 'o3_8h_24h'] as const;
export type MovingIndicator = (typeof MOVING_INDICATORS)[number] | 'o3_1h_24h';
export type MovingValues = Partial<Record<MovingIndicator, number>>;

/** Hours of a moving mean, and of an O3 window; and how many 8-h windows end in the 24 hours. */
export const MOVING_HOURS = 24;
export const O3_WINDOW_HOURS = 8;

/**
 * The mean of the valid hours among the `span` hours ending at `endMs` (that hour included),
 * unrounded, valid with at least `min` of them (§2.1: 20 of 24 for a 24-h mean, 6 of 8 for O3).
 */
export function movingMean(hours: HourValues, endMs: number, span: number, min: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (let k = 0; k < span; k++) {
    const v = hours.get(endMs - k * HOUR_MS);
    if (v === undefined) continue;
    sum += v;
    n++;
  }
  return n >= min ? sum / n : undefined;
}

/**
 * The highest of the 8-h moving O3 means (each valid with ≥ 6 hours) among the 24 windows ending in
 * the 24 hours ending at `endMs`, unrounded; valid with at least 20 valid windows (§4.9, a project
 * choice after the 24-h mean's 20 of 24 hours), so a few morning windows do not stand for the day.
 */
export function highestO3_8h(o3: HourValues, endMs: number): number | undefined {
  let best: number | undefined;
  let n = 0;
  for (let k = 0; k < MOVING_HOURS; k++) {
    const w = movingMean(o3, endMs - k * HOUR_MS, O3_WINDOW_HOURS, VALIDITY.hoursPer8h);
    if (w === undefined) continue;
    n++;
    if (best === undefined || w > best) best = w;
  }
  return n >= VALIDITY.hoursPerDay ? best : undefined;
}

/** The highest valid 1-h value of the 24 hours ending at `endMs`, valid with 20 of them (as §2.1's 24-h mean). */
function highest1h(hours: HourValues, endMs: number): number | undefined {
  let best: number | undefined;
  let n = 0;
  for (let k = 0; k < MOVING_HOURS; k++) {
    const v = hours.get(endMs - k * HOUR_MS);
    if (v === undefined) continue;
    n++;
    if (best === undefined || v > best) best = v;
  }
  return n >= VALIDITY.hoursPerDay ? best : undefined;
}

/**
 * A station's moving values ending at `endMs`, each rounded as the centre publishes a station's
 * (docs/standards.md §4.9: GB/T 8170 on the decimal value, integers µg/m³, CO 0.1 mg/m³ — the
 * half-to-even rounding reproduces every complete window of the archive). An indicator without
 * enough valid hours is absent.
 */
export function stationMovingValues(hours: Partial<Record<MovingSource, HourValues>>, endMs: number): MovingValues {
  const out: MovingValues = {};
  const put = (k: MovingIndicator, pollutant: string, v: number | undefined): void => {
    if (v !== undefined) out[k] = roundGbt8170(v, stationDecimals(pollutant));
  };
  for (const p of ['pm25', 'pm10', 'so2', 'no2', 'co'] as const) {
    const h = hours[p];
    if (h) put(`${p}_24h`, p, movingMean(h, endMs, MOVING_HOURS, VALIDITY.hoursPerDay));
  }
  if (hours.o3) {
    put('o3_8h_24h', 'o3', highestO3_8h(hours.o3, endMs));
    put('o3_1h_24h', 'o3', highest1h(hours.o3, endMs));
  }
  return out;
}

/**
 * A city's moving values: for each indicator, the mean of its stations' own moving values (those
 * that have one), formed and rounded as the centre forms every city value (§3.3: station order,
 * half up on the binary mean, integers, CO 0.01) — not moving means of the city's hourly series.
 */
export function cityMovingValues(stations: readonly { station: string; values: MovingValues }[]): MovingValues {
  const out: MovingValues = {};
  for (const k of [...MOVING_INDICATORS, 'o3_1h_24h'] as const) {
    const of = stations.flatMap((s) => {
      const value = s.values[k];
      return value === undefined ? [] : [{ station: s.station, value }];
    });
    if (of.length > 0) out[k] = cityMean(k, of);
  }
  return out;
}

/**
 * The 24-hour moving AQI (§4.9): the daily breakpoints (HJ 633 24-h columns, the 8-h O3 column) on
 * the six moving values, under the regime of the hour's natural day; a station's IAQI rounded up,
 * a city's half up (§3.3). A missing indicator follows §4.7 by that regime (2012: the AQI of the
 * others, partial; 2026: withheld at 100 or less). HJ 633-2012's 8-h O3 above 800 is scored on the
 * highest 1-h O3 of the 24 hours (§4.1 note 3); 2026 scores it 300.
 */
export function movingAqi(regime: Regime, v: MovingValues, rounding: AqiRounding): AqiResult {
  const above800 = v.o3_8h_24h !== undefined && v.o3_8h_24h > 800;
  const r = dailyAqi(
    regime,
    {
      so2: v.so2_24h,
      no2: v.no2_24h,
      co: v.co_24h,
      pm10: v.pm10_24h,
      pm25: v.pm25_24h,
      o3_8h: v.o3_8h_24h,
      o3_1h: regime === '2012' && above800 ? v.o3_1h_24h : undefined,
    },
    rounding,
  );
  // The daily report's 2012 O3 daily maximum 1-h is no indicator of the moving AQI: not a gap.
  const missing = r.missing.filter((p) => p !== 'o3_1h');
  return { ...r, missing, partial: r.aqi !== null && missing.length > 0 };
}
