import { describe, expect, it } from 'vitest';
import { annualStatistic, meanOfCityStatistics, type DailyValue } from './annual';
import { percentile } from './percentile';

/** Every day of a year, valued by `valueOf(dayIndex)`, minus the days `drop` says. */
function year(y: number, valueOf: (i: number) => number, drop: (day: string) => boolean = () => false): DailyValue[] {
  const out: DailyValue[] = [];
  for (let t = Date.UTC(y, 0, 1), i = 0; t < Date.UTC(y + 1, 0, 1); t += 86_400_000, i++) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (!drop(day)) out.push({ day, value: valueOf(i) });
  }
  return out;
}

describe('HJ 663 percentile (docs/standards.md §3.2)', () => {
  it('interpolates at k = 1 + (n−1)·p/100', () => {
    // n = 365, p = 90: k = 328.6, P = X(328) + 0.6·(X(329) − X(328)); with X(i) = i that is 328.6.
    expect(
      percentile(
        Array.from({ length: 365 }, (_, i) => i + 1),
        90,
      ),
    ).toBeCloseTo(328.6, 10);
    // n = 5, p = 95: k = 4.8 → X(4) + 0.8·(X(5) − X(4)) = 40 + 0.8·10 = 48.
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48, 10);
    expect(percentile([7], 98)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('annual statistics and validity (§2.1, §3.1)', () => {
  it('computes the mean and P95 of PM2.5 and judges them against 35 and 75', () => {
    // Values 1…365: mean 183 (> 35), P95 at k = 1 + 364·0.95 = 346.8 → 346.8 → 347 (> 75).
    const s = annualStatistic(
      'pm25',
      2023,
      year(2023, (i) => i + 1),
      '2012',
    );
    expect([s.nValid, s.mean, s.percentile.value, s.meets324, s.meetsMonthly, s.complies]).toEqual([
      365,
      183,
      347,
      true,
      true,
      false,
    ]);
    const clean = annualStatistic(
      'pm25',
      2023,
      year(2023, (i) => 20 + (i % 10)),
      '2012',
    );
    // 36 cycles of 20…29 (sum 8,820) plus 20…24 (110): 8,930 / 365 = 24.47 → 24.
    expect([clean.mean, clean.complies]).toEqual([24, true]);
  });

  it('needs 324 valid days: 324 is valid, 323 is not', () => {
    const days324 = year(
      2023,
      () => 30,
      (d) => d >= '2023-11-21',
    ); // 324 days: Jan 1 … Nov 20
    expect(days324).toHaveLength(324);
    expect(annualStatistic('no2', 2023, days324, '2012').meets324).toBe(true);
    expect(annualStatistic('no2', 2023, days324.slice(1), '2012')).toMatchObject({ meets324: false, complies: null });
  });

  it('holds February to 25 days and the other months to 27, and reports it apart', () => {
    const feb25 = year(
      2023,
      () => 30,
      (d) => d.startsWith('2023-02') && d > '2023-02-25',
    ); // Feb keeps 25 days
    expect(annualStatistic('so2', 2023, feb25, '2012')).toMatchObject({ meetsMonthly: true, shortMonths: [] });
    const feb24 = year(
      2023,
      () => 30,
      (d) => d.startsWith('2023-02') && d > '2023-02-24',
    );
    expect(annualStatistic('so2', 2023, feb24, '2012')).toMatchObject({
      meetsMonthly: false,
      shortMonths: [{ month: 2, n: 24, required: 25 }],
      meets324: true,
    });
    const mar26 = year(
      2023,
      () => 30,
      (d) => d.startsWith('2023-03') && d > '2023-03-26',
    );
    expect(annualStatistic('so2', 2023, mar26, '2012').shortMonths).toEqual([{ month: 3, n: 26, required: 27 }]);
  });

  it('judges O3 by the MDA8 P90 against 160 and CO by the P95 against 4 mg/m³', () => {
    const o3 = annualStatistic(
      'o3',
      2022,
      year(2022, (i) => (i < 328 ? 100 : 170)),
      '2012',
    );
    // Sorted: 328 values of 100 then 37 of 170; k = 328.6 → X(328) + 0.6·(X(329) − X(328)) = 100 + 0.6·70 = 142.
    expect([o3.mean, o3.percentile.value, o3.complies]).toEqual([null, 142, true]);
    const co = annualStatistic(
      'co',
      2022,
      year(2022, (i) => (i < 300 ? 1.0 : 4.2)),
      '2012',
    );
    expect([co.percentile.value, co.complies]).toEqual([4.2, false]);
  });

  it('applies the 2026 limits when that regime is in force (PM2.5 annual 30)', () => {
    const days = year(2027, () => 32);
    expect(annualStatistic('pm25', 2027, days, '2012').complies).toBe(true);
    expect(annualStatistic('pm25', 2027, days, '2026').complies).toBe(false);
  });

  it('judges a year from 2031 on GB 3095-2026’s final limits (docs/standards.md §1.3)', () => {
    // Table 1, Grade II: PM2.5 annual 30 in the transition (to 2030-12-31), 25 final; 24-h 60 / 50.
    // An annual mean of 28 with every day at 28 (P95 28): within the transition limits, above the final 25.
    expect(
      annualStatistic(
        'pm25',
        2030,
        year(2030, () => 28),
        '2026',
      ),
    ).toMatchObject({ mean: 28, complies: true });
    expect(
      annualStatistic(
        'pm25',
        2031,
        year(2031, () => 28),
        '2026',
      ),
    ).toMatchObject({ mean: 28, complies: false });
    // The daily limit too: a mean of 20 (within 25) with a P95 of 55 — within the transition 60, above the final 50.
    const peaks = (y: number): DailyValue[] => year(y, (i) => (i < 300 ? 13 : 55));
    const p2031 = annualStatistic('pm25', 2031, peaks(2031), '2026');
    expect([p2031.mean, p2031.percentile.value, p2031.complies]).toEqual([20, 55, false]);
    expect(annualStatistic('pm25', 2030, peaks(2030), '2026').complies).toBe(true);
    // NO2 annual 40 → 30 and SO2 annual 60 → 20; PM10 annual 60 → 50.
    expect(
      annualStatistic(
        'no2',
        2031,
        year(2031, () => 35),
        '2026',
      ).complies,
    ).toBe(false);
    expect(
      annualStatistic(
        'no2',
        2030,
        year(2030, () => 35),
        '2026',
      ).complies,
    ).toBe(true);
    expect(
      annualStatistic(
        'so2',
        2031,
        year(2031, () => 21),
        '2026',
      ).complies,
    ).toBe(false);
    expect(
      annualStatistic(
        'pm10',
        2031,
        year(2031, () => 55),
        '2026',
      ).complies,
    ).toBe(false);
    // O3 and CO keep their limits: MDA8 P90 160, CO P95 4.
    expect(
      annualStatistic(
        'o3',
        2031,
        year(2031, () => 160),
        '2026',
      ).complies,
    ).toBe(true);
  });
});

describe('an area from its cities’ statistics (§3.3): judged only when every city is valid', () => {
  // City A: 365 days at 30; city B: 300 days at 50 (< 324, invalid); city C: none.
  const six = (days: DailyValue[]) =>
    (['so2', 'no2', 'pm10', 'pm25', 'co', 'o3'] as const).map((p) => annualStatistic(p, 2023, days, '2012'));
  const a = six(year(2023, () => 30));
  const b = six(year(2023, () => 50).slice(0, 300));
  const c = six([]);
  const pm25 = (cities: { city: string; annual: typeof a }[]) =>
    meanOfCityStatistics(cities).find((s) => s.pollutant === 'pm25');

  it('all cities valid: the mean of their statistics, judged', () => {
    // (30 + 30) / 2 = 30 ≤ 35, P95 30 ≤ 75.
    expect(
      pm25([
        { city: 'A', annual: a },
        { city: 'A2', annual: a },
      ]),
    ).toMatchObject({
      mean: 30,
      meets324: true,
      complies: true,
      cityCoverage: { expected: 2, valid: 2, invalid: [], missing: [], complete: true },
    });
  });

  it('a city invalid or missing: the valid cities’ mean, not judged, the others named', () => {
    expect(
      pm25([
        { city: 'A', annual: a },
        { city: 'B', annual: b },
        { city: 'C', annual: c },
      ]),
    ).toMatchObject({
      mean: 30,
      percentile: { p: 95, value: 30 },
      meets324: false,
      complies: null,
      nValid: 0,
      cityCoverage: { expected: 3, valid: 1, invalid: ['B'], missing: ['C'], complete: false },
    });
  });
});
