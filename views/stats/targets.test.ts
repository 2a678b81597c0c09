import { describe, expect, it } from 'vitest';
import type { ComplianceResponse } from '../../schemas';
import { zTargetsFile, type TargetRule } from '../../schemas/targets';
import type { AnnualStatistic } from './annual';
import { DEFAULT_TARGETS, judgeTarget, startTargets, targetsFor } from './targets';

const none: TargetRule[] = [];

describe('targets (docs/standards.md §5 as data)', () => {
  it('defaults: 35 to 2025, the YRD 2025 target, 30 for 2026–2030 and 25 from 2031', () => {
    const pm = (level: 'city' | 'region', id: string, year: number) =>
      targetsFor({ file: none, defaults: DEFAULT_TARGETS }, level, id, year).get('pm25_annual');
    expect(pm('region', 'yrd', 2025)?.max).toBe(35);
    expect(pm('region', 'yrd', 2025)?.source).toMatch(/国发〔2023〕24号/);
    expect(pm('city', '南京', 2025)?.relative).toEqual({ baseYear: 2020, change: -0.1 });
    expect(pm('city', '南京', 2024)?.max).toBe(35);
    expect(pm('region', 'yrd', 2026)?.max).toBe(30);
    expect(pm('region', 'yrd', 2030)?.max).toBe(30);
    expect(pm('region', 'yrd', 2031)?.max).toBe(25);
  });

  it('a file rule beats a default of the same specificity; an exact id beats *', () => {
    const file: TargetRule[] = [
      { level: '*', id: '*', from: 2026, to: 2026, indicator: 'pm25_annual', max: 28, source: 'file-wide' },
      { level: 'city', id: '杭州', from: 2026, to: 2026, indicator: 'pm25_annual', max: 26, source: 'file-city' },
    ];
    const rules = { file, defaults: DEFAULT_TARGETS };
    expect(targetsFor(rules, 'city', '杭州', 2026).get('pm25_annual')?.source).toBe('file-city');
    expect(targetsFor(rules, 'city', '宁波', 2026).get('pm25_annual')?.source).toBe('file-wide');
    expect(targetsFor(rules, 'station', '1141A', 2026).size).toBe(0);
  });

  it('judges max, min and relative targets on published rounding', () => {
    const rel: TargetRule = {
      level: 'city',
      id: '*',
      from: 2025,
      to: 2025,
      indicator: 'pm25_annual',
      relative: { baseYear: 2020, change: -0.1 },
      source: 's',
    };
    // Base 38 → 34.2 → 34: a 2025 value of 34 meets it, 35 does not.
    expect(judgeTarget(rel, 34, 38)).toMatchObject({ target: 34, met: true });
    expect(judgeTarget(rel, 35, 38)).toMatchObject({ target: 34, met: false });
    expect(judgeTarget(rel, 35, null)).toMatchObject({ target: null, met: null });
    const good: TargetRule = {
      level: '*',
      id: '*',
      from: 2025,
      to: 2025,
      indicator: 'good_day_ratio',
      min: 87.5,
      source: 's',
    };
    expect(judgeTarget(good, 87.4, undefined).met).toBe(false);
    expect(judgeTarget(good, 87.5, undefined).met).toBe(true);
  });

  it('a relative target is rounded by GB/T 8170 (half to even on the decimal value), not half up', () => {
    const rel = (indicator: TargetRule['indicator'], change: number): TargetRule => ({
      level: 'city',
      id: '*',
      from: 2025,
      to: 2025,
      indicator,
      relative: { baseYear: 2020, change },
      source: 's',
    });
    // Base 25 × 0.9 = 22.5 → 22 (the even neighbour; half up would say 23): 22 meets it, 23 not.
    expect(judgeTarget(rel('pm25_annual', -0.1), 22, 25)).toMatchObject({ target: 22, met: true });
    expect(judgeTarget(rel('pm25_annual', -0.1), 23, 25)).toMatchObject({ target: 22, met: false });
    // Base 35 × 0.9 = 31.5 → 32 (even); base 34 (a mean of 34.5 published) × 0.9 = 30.6 → 31.
    expect(judgeTarget(rel('pm25_annual', -0.1), 32, 35).target).toBe(32);
    expect(judgeTarget(rel('pm25_annual', -0.1), 31, 34).target).toBe(31);
    // Ratios to one decimal: 85 × 1.05 = 89.25 → 89.2 (half up: 89.3).
    expect(judgeTarget(rel('good_day_ratio', 0.05), 89.2, 85)).toMatchObject({ target: 89.2, met: true });
  });

  it('a targets file says what is wrong, by field', () => {
    const r = zTargetsFile.safeParse({
      targets: [
        { level: 'city', id: 'x', from: 2025, to: 2024, indicator: 'pm25_annual', max: 30, min: 10, source: 's' },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(
      expect.arrayContaining(['give exactly one of max, min or relative']),
    );
  });
});

describe('startTargets', () => {
  it('computes each base year once, however many relative rules refer to it, and judges on it', async () => {
    const file: TargetRule[] = [
      {
        level: 'city',
        id: '南京',
        from: 2025,
        to: 2025,
        indicator: 'good_day_ratio',
        relative: { baseYear: 2020, change: 0.05 },
        source: 'file',
      },
    ];
    const asked: number[] = [];
    const base = {
      regime: '2012',
      pollutants: [{ pollutant: 'pm25', meets324: true, mean: 40, percentile: { p: 95, value: 80 } }],
      days: { valid: 366, good: 293, heavy: 0, goodRatio: 80, heavyRatio: 0 },
    } as unknown as ComplianceResponse;
    const pending = startTargets(
      { file, defaults: DEFAULT_TARGETS },
      { level: 'city', id: '南京', year: 2025 },
      (y) => {
        asked.push(y);
        return Promise.resolve(base);
      },
    );
    const now = [
      { pollutant: 'pm25', meets324: true, mean: 35, percentile: { p: 95, value: 70 } },
    ] as AnnualStatistic[];
    const verdicts = await pending.judge(now, {
      valid: 365,
      good: 310,
      heavy: 0,
      goodRatio: 84.9,
      heavyRatio: 0,
      partialDays: 0,
      withheldDays: 0,
    });
    expect(asked).toEqual([2020]);
    expect(verdicts.find((v) => v.indicator === 'pm25_annual')).toMatchObject({ target: 36, value: 35, met: true });
    expect(verdicts.find((v) => v.indicator === 'good_day_ratio')).toMatchObject({
      bound: 'max',
      target: 84,
      value: 84.9,
      met: false,
      base: { year: 2020, value: 80, change: 0.05 },
    });
  });
});
