import { addDays } from '../../kernel';
import { type Forecast, type ForecastCategory, type VerificationRow, zForecastCategory } from '../../schemas';
import { AQI_CATEGORIES } from '../stats/standards';

/** A city's observed day as /v1/aqi gives it: its AQI and primary pollutant(s). */
export interface ObservedDay {
  aqi: number;
  primary: readonly string[];
}

/** `city|day` → the observed day; only days with an AQI. */
export type ObservedDays = ReadonlyMap<string, ObservedDay>;

export const dayKey = (city: string, day: string): string => `${city}|${day}`;

/** HJ 633 Table 2 in order (docs/standards.md §4.4): a category's index is its level − 1. */
export const FORECAST_CATEGORIES: readonly ForecastCategory[] = zForecastCategory.options;
/** The index of the category an AQI (a midpoint may be fractional) falls in, upper ends included. */
export const categoryIndexOfAqi = (aqi: number): number => AQI_CATEGORIES.findIndex((c) => aqi <= c.max);
const categoryIndex = (c: ForecastCategory): number => FORECAST_CATEGORIES.indexOf(c);

/** Polluted: observed AQI > 100; forecast so when its category is 轻度污染 or worse (index ≥ 2). */
const POLLUTED = { aqiAbove: 100, categoryFrom: 2 };
/** Heavy: observed AQI > 200; forecast so when its category is 重度污染 or worse (index ≥ 4). */
const HEAVY = { aqiAbove: 200, categoryFrom: 4 };

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

interface Tally {
  hits: number;
  n: number;
}
const rate = (t: Tally): VerificationRow['range'] => ({ hits: t.hits, n: t.n, rate: ratio(t.hits, t.n) });

interface Table {
  hits: number;
  misses: number;
  falseAlarms: number;
  correctNegatives: number;
}
function contingency(t: Table): VerificationRow['polluted'] {
  const { hits, misses, falseAlarms, correctNegatives } = t;
  return {
    hits,
    misses,
    falseAlarms,
    correctNegatives,
    pod: ratio(hits, hits + misses),
    far: ratio(falseAlarms, hits + falseAlarms),
    csi: ratio(hits, hits + misses + falseAlarms),
    n: hits + misses + falseAlarms + correctNegatives,
  };
}
function tallyEvent(t: Table, observed: boolean, forecast: boolean): void {
  if (observed && forecast) t.hits++;
  else if (observed) t.misses++;
  else if (forecast) t.falseAlarms++;
  else t.correctNegatives++;
}

interface SkillSums {
  forecastAbs: number;
  referenceAbs: number;
  n: number;
}
function skill(s: SkillSums): VerificationRow['persistence'] {
  const forecastMae = ratio(s.forecastAbs, s.n);
  const referenceMae = ratio(s.referenceAbs, s.n);
  return {
    forecastMae,
    referenceMae,
    score: forecastMae === null || referenceMae === null || referenceMae === 0 ? null : 1 - forecastMae / referenceMae,
    n: s.n,
  };
}

interface Group {
  source: string;
  lead: number;
  n: number;
  range: Tally;
  category: Tally;
  withinOne: Tally;
  primary: Tally;
  absMid: number;
  polluted: Table;
  heavy: Table;
  persistence: SkillSums;
  climatology: SkillSums;
}

const emptyTable = (): Table => ({ hits: 0, misses: 0, falseAlarms: 0, correctNegatives: 0 });
const emptyGroup = (source: string, lead: number): Group => ({
  source,
  lead,
  n: 0,
  range: { hits: 0, n: 0 },
  category: { hits: 0, n: 0 },
  withinOne: { hits: 0, n: 0 },
  primary: { hits: 0, n: 0 },
  absMid: 0,
  polluted: emptyTable(),
  heavy: emptyTable(),
  persistence: { forecastAbs: 0, referenceAbs: 0, n: 0 },
  climatology: { forecastAbs: 0, referenceAbs: 0, n: 0 },
});

/**
 * Verification of the centres' forecasts against the observed city daily AQI (docs/standards.md
 * §9.2), per source and lead: each forecast in force whose valid date has an observed AQI counts
 * once. A pure function of its inputs, so every figure can be counted by hand.
 *
 * - range: the observed AQI within [aqiLow, aqiHigh];
 * - category: the forecast category equals the observed one; within one: at most one apart;
 * - primary: on days with an observed primary pollutant (AQI > 50), one of the forecast's is among
 *   the observed (an empty forecast list is a miss);
 * - midpoint MAE: |(aqiLow + aqiHigh) / 2 − observed AQI|, averaged;
 * - polluted (> 100) and heavy (> 200) days: hits, misses, false alarms, POD, FAR, CSI;
 * - skill of the midpoint against persistence (the observed AQI of the day before the issue day: the
 *   last whole day the forecaster knew) and climatology (`climatology`, the mean observed AQI of the
 *   same calendar window in earlier years): 1 − MAE / MAE of the reference, on the days both exist.
 */
export function verifyForecasts(
  forecasts: readonly Forecast[],
  observed: ObservedDays,
  climatology: ReadonlyMap<string, number> = new Map(),
): VerificationRow[] {
  const groups = new Map<string, Group>();
  for (const f of forecasts) {
    const obs = observed.get(dayKey(f.city, f.validDate));
    if (!obs) continue;
    const key = `${f.source}|${f.lead}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyGroup(f.source, f.lead)));
    g.n++;
    g.range.n++;
    if (obs.aqi >= f.aqiLow && obs.aqi <= f.aqiHigh) g.range.hits++;
    const fc = categoryIndex(f.category);
    const oc = categoryIndexOfAqi(obs.aqi);
    g.category.n++;
    g.withinOne.n++;
    if (fc === oc) g.category.hits++;
    if (Math.abs(fc - oc) <= 1) g.withinOne.hits++;
    if (obs.primary.length > 0) {
      g.primary.n++;
      if (f.primary.some((p) => obs.primary.includes(p))) g.primary.hits++;
    }
    const mid = (f.aqiLow + f.aqiHigh) / 2;
    const err = Math.abs(mid - obs.aqi);
    g.absMid += err;
    tallyEvent(g.polluted, obs.aqi > POLLUTED.aqiAbove, fc >= POLLUTED.categoryFrom);
    tallyEvent(g.heavy, obs.aqi > HEAVY.aqiAbove, fc >= HEAVY.categoryFrom);
    const before = observed.get(dayKey(f.city, addDays(f.issueDay, -1)));
    if (before) {
      g.persistence.n++;
      g.persistence.forecastAbs += err;
      g.persistence.referenceAbs += Math.abs(before.aqi - obs.aqi);
    }
    const clim = climatology.get(dayKey(f.city, f.validDate));
    if (clim !== undefined) {
      g.climatology.n++;
      g.climatology.forecastAbs += err;
      g.climatology.referenceAbs += Math.abs(clim - obs.aqi);
    }
  }
  return [...groups.values()]
    .sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.lead - b.lead))
    .map((g) => ({
      source: g.source,
      lead: g.lead,
      n: g.n,
      range: rate(g.range),
      category: rate(g.category),
      withinOneCategory: rate(g.withinOne),
      primary: rate(g.primary),
      midpointMae: { value: ratio(g.absMid, g.n), n: g.n },
      polluted: contingency(g.polluted),
      heavy: contingency(g.heavy),
      persistence: skill(g.persistence),
      climatology: skill(g.climatology),
    }));
}
