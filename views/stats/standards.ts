/**
 * The national rules as data (docs/standards.md §1, §4, §4.8): limits and IAQI breakpoints per regime.
 * The 2012 regime (GB 3095-2012 with its 2018 amendment, HJ 633-2012, HJ 663-2013) applies to
 * data up to 2026-02-28; the 2026 regime (GB 3095-2026, HJ 633-2026, HJ 663-2026) from 2026-03-01.
 */
export type Regime = '2012' | '2026';

/** First instant of the 2026 regime: 2026-03-01 00:00 CST (an hour ending at it is still 2012's day). */
export const REGIME_2026_FROM_MS = Date.parse('2026-03-01T00:00:00+08:00');

/** The regime of a natural day (CST date YYYY-MM-DD) — docs/standards.md §0. */
export function regimeOfDay(date: string): Regime {
  return date >= '2026-03-01' ? '2026' : '2012';
}

/** IAQI levels of HJ 633 Table 1: the index values at the breakpoints. */
export const IAQI_LEVELS = [0, 50, 100, 150, 200, 300, 400, 500] as const;

/** An IAQI column: concentration breakpoints matching IAQI_LEVELS (µg/m³, CO mg/m³); null = not defined. */
export type Breakpoints = readonly (number | null)[];

export interface BreakpointTable {
  so2_24h: Breakpoints;
  so2_1h: Breakpoints;
  no2_24h: Breakpoints;
  no2_1h: Breakpoints;
  pm10_24h: Breakpoints;
  co_24h: Breakpoints;
  co_1h: Breakpoints;
  o3_1h: Breakpoints;
  o3_8h: Breakpoints;
  pm25_24h: Breakpoints;
}

/** HJ 633-2012 Table 1 [primary]. SO2 24-h is 50/150/475/800/1600/2100/2620 (not the 1-h column). */
const HJ633_2012: BreakpointTable = {
  so2_24h: [0, 50, 150, 475, 800, 1600, 2100, 2620],
  so2_1h: [0, 150, 500, 650, 800, null, null, null],
  no2_24h: [0, 40, 80, 180, 280, 565, 750, 940],
  no2_1h: [0, 100, 200, 700, 1200, 2340, 3090, 3840],
  pm10_24h: [0, 50, 150, 250, 350, 420, 500, 600],
  co_24h: [0, 2, 4, 14, 24, 36, 48, 60],
  co_1h: [0, 5, 10, 35, 60, 90, 120, 150],
  o3_1h: [0, 160, 200, 300, 400, 800, 1000, 1200],
  o3_8h: [0, 100, 160, 215, 265, 800, null, null],
  pm25_24h: [0, 35, 75, 115, 150, 250, 350, 500],
};

/** HJ 633-2026 (docs/standards.md §4.8): only the IAQI-100 point of PM2.5 and PM10 moves. */
const HJ633_2026: BreakpointTable = {
  ...HJ633_2012,
  pm10_24h: [0, 50, 120, 250, 350, 420, 500, 600],
  pm25_24h: [0, 35, 60, 115, 150, 250, 350, 500],
};

export const BREAKPOINTS: Readonly<Record<Regime, BreakpointTable>> = { '2012': HJ633_2012, '2026': HJ633_2026 };

/** Grade II limits (GB 3095-2012 Table 1; GB 3095-2026 transition column until 2030, then {@link gradeIIOn}). */
export const GRADE_II = {
  '2012': {
    so2: { annual: 60, day: 150 },
    no2: { annual: 40, day: 80 },
    pm10: { annual: 70, day: 150 },
    pm25: { annual: 35, day: 75 },
    co: { day: 4 },
    o3: { mda8: 160, hour: 200 },
  },
  '2026': {
    so2: { annual: 60, day: 150 },
    no2: { annual: 40, day: 80 },
    pm10: { annual: 60, day: 120 },
    pm25: { annual: 30, day: 60 },
    co: { day: 4 },
    o3: { mda8: 160, hour: 200 },
  },
} as const;

/** The Grade II limits a judgement applies: GB 3095-2012's, or GB 3095-2026's (either phase). */
export type GradeIILimits = (typeof GRADE_II)[Regime] | typeof GRADE_II_2026_FINAL;

/** First natural day of GB 3095-2026's final phase (docs/standards.md §1.3): the transition ends 2030-12-31. */
export const FINAL_LIMITS_FROM_DAY = '2031-01-01';

/** GB 3095-2026 Table 1, final Grade II column (docs/standards.md §1.3), in force from 2031-01-01. */
export const GRADE_II_2026_FINAL = {
  so2: { annual: 20, day: 50 },
  no2: { annual: 30, day: 50 },
  pm10: { annual: 50, day: 100 },
  pm25: { annual: 25, day: 50 },
  co: { day: 4 },
  o3: { mda8: 160, hour: 200 },
} as const;

/**
 * The Grade II limits of a regime on a natural day (YYYY-MM-DD): the 2026 regime's transition
 * column up to 2030-12-31, its final column from 2031-01-01 (docs/standards.md §1.3).
 */
export function gradeIIOn(regime: Regime, day: string): GradeIILimits {
  if (regime === '2026' && day >= FINAL_LIMITS_FROM_DAY) return GRADE_II_2026_FINAL;
  return GRADE_II[regime];
}

/** Validity minimums (GB 3095 Table 4, HJ 663 §2.2 of docs/standards.md). */
export const VALIDITY = {
  hoursPerDay: 20,
  hoursPer8h: 6,
  windowsPerMda8: 14,
  daysPerYear: 324,
  daysPerMonth: 27,
  daysPerFebruary: 25,
} as const;

/**
 * Categories of HJ 633 Table 2 (§4.4): upper AQI bound, level, Chinese and English names, and the
 * colour with its RGB of the standard's Appendix A (HJ 633-2026 keeps them).
 */
export const AQI_CATEGORIES = [
  { max: 50, level: 'I', zh: '优', en: 'Excellent', colour: 'green', rgb: [0, 228, 0] },
  { max: 100, level: 'II', zh: '良', en: 'Good', colour: 'yellow', rgb: [255, 255, 0] },
  { max: 150, level: 'III', zh: '轻度污染', en: 'Lightly polluted', colour: 'orange', rgb: [255, 126, 0] },
  { max: 200, level: 'IV', zh: '中度污染', en: 'Moderately polluted', colour: 'red', rgb: [255, 0, 0] },
  { max: 300, level: 'V', zh: '重度污染', en: 'Heavily polluted', colour: 'purple', rgb: [153, 0, 76] },
  { max: Infinity, level: 'VI', zh: '严重污染', en: 'Severely polluted', colour: 'maroon', rgb: [126, 0, 35] },
] as const;
