import type { ComplianceQuery, ComplianceResponse, TargetIndicator, TargetRule } from '../../schemas';
import { judgeableValue, type AnnualStatistic } from './annual';
import { roundGbt8170 } from './aqi';

/**
 * The default targets (docs/standards.md §5), as data. A TARGETS_FILE adds to them and overrides them
 * for the same area, years and indicator.
 */
export const DEFAULT_TARGETS: readonly TargetRule[] = [
  {
    level: '*',
    id: '*',
    from: 2013,
    to: 2025,
    indicator: 'pm25_annual',
    max: 35,
    source: 'GB 3095-2012 Grade II annual limit',
  },
  {
    level: '*',
    id: '*',
    from: 2026,
    to: 2030,
    indicator: 'pm25_annual',
    max: 30,
    source: 'GB 3095-2026 Grade II annual limit (transition, to 2030)',
  },
  {
    level: '*',
    id: '*',
    from: 2031,
    to: 2100,
    indicator: 'pm25_annual',
    max: 25,
    source: 'GB 3095-2026 Grade II annual limit (from 2031)',
  },
  {
    level: 'region',
    id: 'yrd',
    from: 2025,
    to: 2025,
    indicator: 'pm25_annual',
    max: 35,
    source:
      '国发〔2023〕24号: YRD PM2.5 “总体达标”, read as the regional mean ≤ 35 (docs/standards.md §5.1, an interpretation)',
  },
  {
    level: 'region',
    id: 'yrd31',
    from: 2025,
    to: 2025,
    indicator: 'pm25_annual',
    max: 35,
    source:
      '国发〔2023〕24号: YRD PM2.5 “总体达标” for the plan’s 31 cities (docs/standards.md §5.1, an interpretation)',
  },
  {
    level: 'city',
    id: '*',
    from: 2025,
    to: 2025,
    indicator: 'pm25_annual',
    relative: { baseYear: 2020, change: -0.1 },
    source: '国发〔2023〕24号 and the 14th Five-Year Plan: prefecture cities’ PM2.5 10 % below 2020',
  },
  {
    level: '*',
    id: '*',
    from: 2025,
    to: 2025,
    indicator: 'good_day_ratio',
    min: 87.5,
    source: '14th Five-Year Plan national good-day ratio 87.5 % (no YRD-specific figure found, docs/standards.md §5.2)',
  },
  {
    level: '*',
    id: '*',
    from: 2025,
    to: 2025,
    indicator: 'heavy_day_ratio',
    max: 1,
    source: '国发〔2023〕24号: heavy-or-worse days within 1 % (national)',
  },
  {
    level: '*',
    id: '*',
    from: 2013,
    to: 2100,
    indicator: 'o3_p90',
    max: 160,
    source: 'GB 3095 Grade II 8-h limit applied to the MDA8 P90 (HJ 663)',
  },
];

/** How specific a rule is for an area: exact level and id beat `*`. */
const specificity = (r: TargetRule): number => (r.level === '*' ? 0 : 2) + (r.id === '*' ? 0 : 1);

/**
 * The targets in force for an area and year, one per indicator: the most specific rule, a file's
 * rule before a default of the same specificity.
 */
export function targetsFor(
  rules: { file: readonly TargetRule[]; defaults: readonly TargetRule[] },
  level: 'station' | 'city' | 'province' | 'region',
  id: string,
  year: number,
): Map<TargetIndicator, TargetRule> {
  const out = new Map<TargetIndicator, { rule: TargetRule; rank: number }>();
  const consider = (r: TargetRule, fromFile: boolean): void => {
    if (level === 'station' || r.from > year || r.to < year) return;
    if (r.level !== '*' && r.level !== level) return;
    if (r.id !== '*' && r.id !== id) return;
    const rank = specificity(r) * 2 + (fromFile ? 1 : 0);
    const seen = out.get(r.indicator);
    if (!seen || rank > seen.rank) out.set(r.indicator, { rule: r, rank });
  };
  rules.defaults.forEach((r) => consider(r, false));
  rules.file.forEach((r) => consider(r, true));
  return new Map([...out].map(([k, v]) => [k, v.rule]));
}

export interface TargetVerdict {
  indicator: TargetIndicator;
  bound: 'max' | 'min';
  /** The bound's value; for a relative target the base-year value × (1 + change), rounded as the indicator is. */
  target: number | null;
  value: number | null;
  met: boolean | null;
  source: string;
  /** For a relative target: the base year and its value (null when the store lacks it and the rule gives none). */
  base?: { year: number; value: number | null; change: number };
}

/**
 * A relative target's value: the base year's published value (the rule's baseline, else the
 * area's statistic of that year as `GET /v1/compliance` publishes it) × (1 + change), rounded as the
 * indicator is published — GB/T 8170 half to even on the decimal value, integers for µg/m³, one
 * decimal for ratios (docs/standards.md §3.5, §5). Base 34 (a mean of 34.5 published) × 0.9 = 30.6 → 31.
 */
export function relativeTargetValue(
  indicator: TargetIndicator,
  relative: NonNullable<TargetRule['relative']>,
  baseValue: number | null | undefined,
): { target: number | null; base: number | null } {
  const digits = indicator === 'good_day_ratio' || indicator === 'heavy_day_ratio' ? 1 : 0;
  const b = relative.baseline ?? baseValue ?? null;
  return { target: b === null ? null : roundGbt8170(b * (1 + relative.change), digits), base: b };
}

/**
 * Judges one indicator against its rule. Values are compared as published (integers for µg/m³,
 * one decimal for ratios), so a relative target is rounded the same way before comparing.
 */
export function judgeTarget(rule: TargetRule, value: number | null, baseValue?: number | null): TargetVerdict {
  let target: number | null;
  let base: TargetVerdict['base'];
  if (rule.relative) {
    const r = relativeTargetValue(rule.indicator, rule.relative, baseValue);
    target = r.target;
    base = { year: rule.relative.baseYear, value: r.base, change: rule.relative.change };
  } else {
    target = (rule.max ?? rule.min) as number;
  }
  const bound = rule.min !== undefined ? 'min' : 'max';
  const met = target === null || value === null ? null : bound === 'max' ? value <= target : value >= target;
  return { indicator: rule.indicator, bound, target, value, met, source: rule.source, ...(base ? { base } : {}) };
}

/** An indicator's value among an area's annual statistics and day ratios of a year. */
function indicatorValue(
  indicator: TargetIndicator,
  stats: readonly AnnualStatistic[],
  d: ComplianceResponse['days'],
): number | null {
  const by = (p: string): AnnualStatistic | undefined => stats.find((s) => s.pollutant === p);
  switch (indicator) {
    case 'pm25_annual':
      return judgeableValue(by('pm25'), 'mean');
    case 'o3_p90':
      return judgeableValue(by('o3'), 'percentile');
    case 'good_day_ratio':
      return d.goodRatio;
    case 'heavy_day_ratio':
      return d.heavyRatio;
  }
}

/** A relative target's base: the indicator's value in the base year's compliance answer, as published. */
export function baseYearValue(indicator: TargetIndicator, baseYear: number, then: ComplianceResponse): number | null {
  return indicatorValue(
    indicator,
    // The published values are the base (the exact ones are not in an answer).
    then.pollutants.map((p) => ({
      ...p,
      year: baseYear,
      regime: then.regime,
      exact: { mean: p.mean, percentile: p.percentile.value },
    })),
    then.days,
  );
}

/**
 * The area's targets for the year, each judged on the year's official statistics:
 * PM2.5 annual mean and O3 P90 only when valid (324 days), the day ratios as computed. A relative
 * target (e.g. −10 % vs 2020) takes its base from the area's own statistic that year unless the
 * rule gives one (`complianceIn` computes the area's year). Returns at once: the base years are computed meanwhile (they do not depend on
 * this year's statistics), and `judge` gives the verdicts once this year's are known.
 */
export function startTargets(
  rules: { file: readonly TargetRule[]; defaults: readonly TargetRule[] } | undefined,
  area: { level: ComplianceQuery['level']; id: string; year: number },
  complianceIn: (year: number) => Promise<ComplianceResponse>,
): { judge(pollutants: AnnualStatistic[], days: ComplianceResponse['days']): Promise<TargetVerdict[]> } {
  const inForce = [
    ...targetsFor(rules ?? { file: [], defaults: DEFAULT_TARGETS }, area.level, area.id, area.year).values(),
  ];
  // One computation per base year, however many rules refer to it.
  const years = new Map<number, Promise<ComplianceResponse>>();
  const yearOf = (year: number): Promise<ComplianceResponse> => {
    let then = years.get(year);
    if (!then) years.set(year, (then = complianceIn(year)));
    return then;
  };
  const bases = inForce.map(async (rule): Promise<number | null | undefined> => {
    if (!rule.relative || rule.relative.baseline !== undefined) return undefined;
    return baseYearValue(rule.indicator, rule.relative.baseYear, await yearOf(rule.relative.baseYear));
  });
  // A failure surfaces when judged; until then it must not count as unhandled.
  for (const b of bases) b.catch(() => undefined);
  return {
    async judge(pollutants, days) {
      const values = await Promise.all(bases);
      return inForce.map((rule, i) => judgeTarget(rule, indicatorValue(rule.indicator, pollutants, days), values[i]));
    },
  };
}
