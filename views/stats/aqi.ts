import { AQI_CATEGORIES, BREAKPOINTS, IAQI_LEVELS, type Breakpoints, type Regime } from './standards';

/**
 * GB/T 8170 rounding (docs/standards.md §3.5): round half to even on the DECIMAL value. A float like
 * 0.15 is stored as 0.1499…; printing it with a few extra digits recovers the decimal the
 * centre published, which is then rounded digit by digit.
 */
export function roundGbt8170(x: number, decimals: number): number {
  const s = Math.abs(x).toFixed(Math.min(decimals + 8, 20));
  const [ip = '0', fp = ''] = s.split('.');
  let digits = BigInt(ip + fp.slice(0, decimals));
  const first = fp[decimals] ?? '0';
  const tail = fp.slice(decimals + 1);
  const exactlyHalf = first === '5' && !/[1-9]/.test(tail);
  if (first > '5' || (first === '5' && !exactlyHalf) || (exactlyHalf && digits % 2n === 1n)) digits += 1n;
  const scaled = Number(digits) / 10 ** decimals;
  return x < 0 ? -scaled : scaled;
}

/** Concentrations are rounded before the IAQI: integers, CO to one decimal (§3.5). */
export const roundConcentration = (pollutant: string, c: number): number =>
  roundGbt8170(c, pollutant.startsWith('co') ? 1 : 0);

/**
 * How an IAQI is rounded: a station's up (HJ 633-2012 §6.2, §3.5) from concentrations rounded by
 * GB/T 8170; a city's half up from its concentrations as the national centre forms them (§3.3,
 * §3.5: observed on every published city hour).
 */
export type AqiRounding = 'station' | 'city';

/** Above the top breakpoint HJ 633 says nothing; we cap the IAQI at 500 (a documented choice, §4.1). */
export const CAP_ABOVE_TOP = 500;

/**
 * IAQI by HJ 633 Eq. 1, rounded UP to an integer (§4.2). Returns undefined where the column is
 * not defined for the concentration (SO2 1-h or O3 8-h above 800): the caller applies the rule.
 */
export function iaqi(c: number, bp: Breakpoints, rounding: AqiRounding = 'station'): number | undefined {
  if (c < 0) return undefined;
  for (let i = 1; i < bp.length; i++) {
    const hi = bp[i];
    const lo = bp[i - 1] as number;
    if (hi === null || hi === undefined) return undefined;
    if (c <= hi) {
      const v = ((IAQI_LEVELS[i]! - IAQI_LEVELS[i - 1]!) / (hi - lo)) * (c - lo) + IAQI_LEVELS[i - 1]!;
      // The epsilon keeps an exact integer from rounding up through binary noise (50.0000000001 → 51),
      // and an exact half from rounding down through it (a city's IAQI, half up, §3.5).
      return rounding === 'city' ? Math.floor(v + 0.5 + 1e-9) : Math.ceil(v - 1e-9);
    }
  }
  return CAP_ABOVE_TOP;
}

export type AqiPollutant = 'so2' | 'no2' | 'co' | 'pm10' | 'pm25' | 'o3_1h' | 'o3_8h';

export interface AqiResult {
  /** null without any sub-index, or when HJ 633-2026 §5.3 withholds it (`withheld`). */
  aqi: number | null;
  iaqi: Partial<Record<AqiPollutant, number>>;
  /** Only when AQI > 50; all of them on a tie (§4.3). */
  primary: AqiPollutant[];
  category: (typeof AQI_CATEGORIES)[number] | null;
  /** Indicators the report should have had but did not (§4.7). */
  missing: AqiPollutant[];
  /**
   * The AQI stands on fewer indicators than the report should have (§4.7): under 2012 every such
   * report with an AQI; under 2026 only one whose AQI of the indicators present is above 100.
   */
  partial: boolean;
  /**
   * HJ 633-2026 §5.3 (§4.7): an indicator is missing and the AQI of the others is 100 or less, so
   * the AQI is published as NA — `aqi`, `category` and `primary` empty, the sub-indices kept.
   */
  withheld: boolean;
}

function combine(
  regime: Regime,
  sub: Partial<Record<AqiPollutant, number>>,
  missing: readonly AqiPollutant[],
): AqiResult {
  const values = Object.values(sub);
  const ofPresent = values.length > 0 ? Math.max(...values) : null;
  // HJ 633-2026 §5.3: without every indicator the AQI is published only above 100 (§4.7); 2012 keeps it.
  const withheld = regime === '2026' && missing.length > 0 && ofPresent !== null && ofPresent <= 100;
  const aqi = withheld ? null : ofPresent;
  const primary = aqi !== null && aqi > 50 ? (Object.keys(sub) as AqiPollutant[]).filter((p) => sub[p] === aqi) : [];
  return {
    aqi,
    iaqi: sub,
    primary,
    category: aqi === null ? null : (AQI_CATEGORIES.find((c) => aqi <= c.max) ?? null),
    missing: [...missing],
    partial: aqi !== null && missing.length > 0,
    withheld,
  };
}

/** Sub-indices being collected, and how to add one from a concentration and its column. */
function collector(rounding: AqiRounding = 'station'): {
  sub: Partial<Record<AqiPollutant, number>>;
  set: (p: AqiPollutant, c: number | null | undefined, col: Breakpoints) => void;
} {
  const sub: Partial<Record<AqiPollutant, number>> = {};
  const set = (p: AqiPollutant, c: number | null | undefined, col: Breakpoints): void => {
    if (c === null || c === undefined) return;
    // A city's concentrations come already at the centre's city precision (§3.3): used as they are.
    const v = rounding === 'city' ? iaqi(c, col, 'city') : iaqi(roundConcentration(p, c), col);
    if (v !== undefined) sub[p] = v;
  };
  return { sub, set };
}

export interface DailyInput {
  so2?: number | null;
  no2?: number | null;
  co?: number | null;
  pm10?: number | null;
  pm25?: number | null;
  /** O3 daily maximum 1-h. */
  o3_1h?: number | null;
  /** O3 MDA8. */
  o3_8h?: number | null;
}

/**
 * Daily AQI (§4.6 daily report). 2012: seven indicators, O3-8h above 800 has no 8-h IAQI (the
 * 1-h one stands). 2026: six — the O3 daily max 1-h is dropped, and O3-8h above 800 scores 300.
 */
export function dailyAqi(regime: Regime, input: DailyInput, rounding: AqiRounding = 'station'): AqiResult {
  const bp = BREAKPOINTS[regime];
  const { sub, set } = collector(rounding);
  set('so2', input.so2, bp.so2_24h);
  set('no2', input.no2, bp.no2_24h);
  set('co', input.co, bp.co_24h);
  set('pm10', input.pm10, bp.pm10_24h);
  set('pm25', input.pm25, bp.pm25_24h);
  if (regime === '2012') set('o3_1h', input.o3_1h, bp.o3_1h);
  const o3_8h =
    input.o3_8h === null || input.o3_8h === undefined
      ? undefined
      : rounding === 'city'
        ? input.o3_8h
        : roundConcentration('o3', input.o3_8h);
  if (o3_8h !== undefined) {
    if (o3_8h > 800) {
      if (regime === '2026') sub.o3_8h = 300;
    } else set('o3_8h', o3_8h, bp.o3_8h);
  }
  const expected: AqiPollutant[] =
    regime === '2012'
      ? ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3_1h', 'o3_8h']
      : ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3_8h'];
  // A 2012 MDA8 above 800 was measured: its sub-index is the 1-h O3's by the standard's note, not a gap.
  const measuredAbove800 = (p: AqiPollutant): boolean => p === 'o3_8h' && o3_8h !== undefined && o3_8h > 800;
  return combine(
    regime,
    sub,
    expected.filter((p) => sub[p] === undefined && !measuredAbove800(p)),
  );
}

export interface HourlyInput {
  so2?: number | null;
  no2?: number | null;
  co?: number | null;
  pm10?: number | null;
  pm25?: number | null;
  o3?: number | null;
  /** The 24-h moving SO2, needed when SO2 1-h exceeds 800 in the 2012 regime. */
  so2_24h?: number | null;
}

/**
 * Real-time (hourly) AQI as CNEMC publishes it (§4.6 observed behaviour): the six 1-h values,
 * PM on the 24-h breakpoints, O3 on its 1-h column, no 8-h O3. SO2 1-h above 800: 2012 scores the
 * 24-h SO2 instead; 2026 scores 200. A city's hour (`rounding: 'city'`) comes at the centre's city
 * precision and its IAQIs are rounded half up (§3.3).
 */
export function hourlyAqi(regime: Regime, input: HourlyInput, rounding: AqiRounding = 'station'): AqiResult {
  const bp = BREAKPOINTS[regime];
  const { sub, set } = collector(rounding);
  const so2 = input.so2 === null || input.so2 === undefined ? undefined : input.so2;
  if (so2 !== undefined && (rounding === 'city' ? so2 : roundConcentration('so2', so2)) > 800) {
    if (regime === '2026') sub.so2 = 200;
    else set('so2', input.so2_24h, bp.so2_24h);
  } else set('so2', input.so2, bp.so2_1h);
  set('no2', input.no2, bp.no2_1h);
  set('co', input.co, bp.co_1h);
  set('pm10', input.pm10, bp.pm10_24h);
  set('pm25', input.pm25, bp.pm25_24h);
  set('o3_1h', input.o3, bp.o3_1h);
  const expected: AqiPollutant[] = ['so2', 'no2', 'co', 'pm10', 'pm25', 'o3_1h'];
  return combine(
    regime,
    sub,
    expected.filter((p) => sub[p] === undefined),
  );
}
