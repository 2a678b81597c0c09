import { describe, expect, it } from 'vitest';
import { consulateDailyMeans } from '../../test/helpers/us-consulate';
import { forecastAnnualMean, trendPrediction, type DayValue } from './year-forecast';

const DAY = 86_400_000;
const daysOf = (year: number, value: (i: number, day: string) => number | null): DayValue[] => {
  const n = (Date.parse(`${year + 1}-01-01T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / DAY;
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(Date.parse(`${year}-01-01T00:00:00Z`) + i * DAY).toISOString().slice(0, 10);
    return { day, value: value(i, day) };
  });
};

/** Seeded normals (Box–Muller on a LCG), independent of the code under test. */
function normals(seed: number): () => number {
  let s = seed;
  const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const CUTS = ['03-31', '06-30', '09-30'] as const;

describe('forecast of the annual mean against a target', () => {
  it('the remaining budget by hand, with the GB/T 8170 rounding ceiling', () => {
    // 180 valid days of 40 (1 January – 29 June), 30 June missing; 184 days left after 30 June.
    const days = daysOf(2025, (i) => (i < 180 ? 40 : null));
    const odd = forecastAnnualMean({ year: 2025, at: '2025-06-30', target: 35, days, history: [] });
    expect(odd.ytd).toEqual({ mean: 40, validDays: 180, throughDay: '2025-06-30' });
    expect(odd.remainingDays).toBe(184);
    // Target 35 (odd): the annual mean must stay below 35.5 → m = (35.5·364 − 7200)/184 = 5722/184.
    expect(odd.budget.maxMean).toBeCloseTo(5722 / 184, 10);
    // Target 34 (even): 34.5 itself rounds to 34 → m = (34.5·364 − 7200)/184 = 5358/184.
    expect(
      forecastAnnualMean({ year: 2025, at: '2025-06-30', target: 34, days, history: [] }).budget.maxMean,
    ).toBeCloseTo(5358 / 184, 10);
    // Without earlier years there is no projection: the verdict is unknown, not guessed.
    expect(odd.projection).toBeNull();
    expect(odd.verdict).toBe('unknown');
    // 180 days of 80: even a zero rest of year gives 14400/364 = 39.6 > 35.5 — already impossible.
    const bad = forecastAnnualMean({
      year: 2025,
      at: '2025-06-30',
      target: 35,
      days: daysOf(2025, (i) => (i < 180 ? 80 : null)),
      history: [],
    });
    expect(bad.budget).toMatchObject({ maxMean: null, impossible: true, validYearPossible: true });
    expect(bad.verdict).toBe('off track');
  });

  it('a target of 28.5: the budget and the verdict at the year’s end agree (published 28 meets it, 29 does not)', () => {
    // 181 days (1 January – 30 June) of 30, S = 5430; 184 days left. Published values are
    // integers, so 28.5 allows 28: the mean may reach 28.5 itself (→ 28, half to even).
    // Budget m = (28.5·365 − 5430)/184 = 4972.5/184 = 27.0245…
    const through = (i: number) => (i < 181 ? 30 : null);
    const f = forecastAnnualMean({
      year: 2025,
      at: '2025-06-30',
      target: 28.5,
      days: daysOf(2025, through),
      history: [],
    });
    expect(f.budget.maxMean).toBeCloseTo(4972.5 / 184, 10);
    const finished = (rest: number) =>
      forecastAnnualMean({
        year: 2025,
        at: '2025-12-31',
        target: 28.5,
        days: daysOf(2025, (i) => (i < 181 ? 30 : rest)),
        history: [],
      }).verdict;
    // A rest of 27 (within the budget): (5430 + 4968)/365 = 28.49 → 28 ≤ 28.5, met.
    expect(finished(27)).toBe('met');
    // A rest of 27.05 (over it): (5430 + 4977.2)/365 = 28.51 → 29 > 28.5, not met.
    expect(finished(27.05)).toBe('not met');
    // Exactly at the budget the annual mean is 28.5 → 28: still met.
    expect(finished(4972.5 / 184)).toBe('met');
  });

  it('a finished year: met or not on the mean rounded half to even', () => {
    const at = (v: number, target: number) =>
      forecastAnnualMean({ year: 2025, at: '2025-12-31', target, days: daysOf(2025, () => v), history: [] }).verdict;
    expect(at(35.4, 35)).toBe('met');
    expect(at(35.5, 35)).toBe('not met'); // 35.5 → 36
    expect(at(34.5, 34)).toBe('met'); // 34.5 → 34
  });

  it('a year that can no longer reach 324 valid days gets a reason instead of a budget', () => {
    // 2025-09-30 is day 273; 92 days are left. 231 valid days + 92 = 323 < 324.
    const short = forecastAnnualMean({
      year: 2025,
      at: '2025-09-30',
      target: 35,
      days: daysOf(2025, (i) => (i < 231 ? 30 : null)),
      history: [],
    });
    expect(short.budget).toMatchObject({ maxMean: null, impossible: false, validYearPossible: false });
    expect(short.budget.reason).toMatch(/at most 323 valid days.*324/);
    expect(short.probability).toBeNull();
    expect(short.verdict).toBe('unknown');
    // One more valid day (232 + 92 = 324) and the budget is back: (35.5·324 − 232·30)/92.
    const enough = forecastAnnualMean({
      year: 2025,
      at: '2025-09-30',
      target: 35,
      days: daysOf(2025, (i) => (i < 232 ? 30 : null)),
      history: [],
    });
    expect(enough.budget).toMatchObject({ validYearPossible: true, reason: null });
    expect(enough.budget.maxMean).toBeCloseTo((35.5 * 324 - 232 * 30) / 92, 10);
    // A finished year of 300 valid days is not a valid annual mean: neither met nor not met.
    const over = forecastAnnualMean({
      year: 2025,
      at: '2025-12-31',
      target: 35,
      days: daysOf(2025, (i) => (i < 300 ? 20 : null)),
      history: [],
    });
    expect(over.verdict).toBe('unknown');
    expect(over.budget.reason).toMatch(/300 valid days.*324/);
  });

  it('the trend line and its prediction interval by hand', () => {
    // Points (0, 0), (1, 1), (2, 3) at x = 2000…2002: x̄ = 2001, r̄ = 4/3, Sxx = 2,
    // slope = (−1·−4/3 + 1·5/3)/2 = 1.5; residuals 1/6, −1/3, 1/6 → SSE = 1/6, s² = 1/6 (1 df).
    // At 2003: centre 4/3 + 2·1.5 = 13/3; spread √(1/6)·√(1 + 1/3 + 4/2) = √5/3.
    const p = trendPrediction(
      [
        { x: 2000, r: 0 },
        { x: 2001, r: 1 },
        { x: 2002, r: 3 },
      ],
      2003,
    );
    expect(p.slope).toBeCloseTo(1.5, 12);
    expect(p.centre).toBeCloseTo(13 / 3, 12);
    expect(p.spread).toBeCloseTo(Math.sqrt(5) / 3, 12);
    expect(p.df).toBe(1);
  });

  it('the projection follows the trend of the ratio over years, not its average', () => {
    // Each earlier year: 40 through 30 June, then 40·e^(−0.1·j) — log ratios 0, −0.1, −0.2 in
    // 2021–2023, an exact line; 2024 is projected at −0.3 (the average would say −0.1).
    const history = [2021, 2022, 2023].flatMap((y, j) => daysOf(y, (i) => (i < 181 ? 40 : 40 * Math.exp(-0.1 * j))));
    const days = daysOf(2024, (i) => (i < 182 ? 50 : null)); // 2024 is a leap year: 182 days to 30 June
    const f = forecastAnnualMean({ year: 2024, at: '2024-06-30', target: 35, days, history });
    const rest = 50 * Math.exp(-0.3);
    expect(f.projection?.yearsUsed).toEqual([2021, 2022, 2023]);
    expect(f.projection?.trendPerYear).toBeCloseTo(-0.1, 10);
    expect(f.projection?.mean).toBeCloseTo((182 * 50 + 184 * rest) / 366, 8);
    // A perfect line has (almost) no spread: the projected rest of year, 50·e^(−0.3) = 37.04, is
    // above the budget (35.5·366 − 9100)/184 = 21.16, so the chance is nil.
    expect(f.budget.maxMean).toBeCloseTo(3893 / 184, 10);
    expect(f.probability).toBeLessThan(1e-9);
    expect(f.verdict).toBe('off track');
  });

  it('on simulated years with a known decline the 80 % interval covers the annual mean at 80 % ± 5 points', () => {
    // A linear decline of 3.5 µg/m³ a year from 65 in 2013 (within each year too), a winter-high
    // seasonal cycle, a weather anomaly per month (log sd 0.12) and AR(1) daily noise; 3 to 8
    // earlier years, the year 2022 forecast at the end of March, June and September: 900 cases.
    const simulate = (year: number, z: () => number): DayValue[] => {
      const monthly = Array.from({ length: 12 }, () => Math.exp(0.12 * z()));
      let e = 0;
      return daysOf(year, (i, day) => {
        e = 0.6 * e + 0.25 * z();
        const level = 65 - 3.5 * (year + i / 365 - 2013);
        const season = 1 + 0.35 * Math.cos((2 * Math.PI * (i - 15)) / 365);
        return level * season * (monthly[Number(day.slice(5, 7)) - 1] as number) * Math.exp(e);
      });
    };
    let covered = 0;
    let counted = 0;
    for (let k = 0; k < 300; k++) {
      const z = normals(1000 + k);
      const earlier = 3 + (k % 6);
      const history = Array.from({ length: earlier }, (_, j) => 2022 - earlier + j).flatMap((y) => simulate(y, z));
      const days = simulate(2022, z);
      const truth = mean(days.map((d) => d.value as number));
      for (const md of CUTS) {
        const f = forecastAnnualMean({ year: 2022, at: `2022-${md}`, target: 35, days, history });
        if (!f.projection) continue;
        counted++;
        if (f.projection.lower <= truth && truth <= f.projection.upper) covered++;
      }
    }
    expect(counted).toBe(900);
    console.info(`simulated years: the 80 % interval covered the truth in ${covered} of ${counted}`);
    expect(Math.abs(covered / counted - 0.8)).toBeLessThanOrEqual(0.05);
  }, 60_000);

  it('back-tests on the real nine-year Shanghai series (US Consulate monitor, 2013–2021)', () => {
    const daily = consulateDailyMeans();
    const truthOf = (year: number): number =>
      mean(daily.filter((d) => d.day.startsWith(`${year}-`) && d.value !== null).map((d) => d.value as number));
    const run = (years: number[], historyOf: (year: number) => DayValue[]) => {
      let covered = 0;
      let cases = 0;
      const misses: string[] = [];
      for (const year of years) {
        const days = daily.filter((d) => d.day.startsWith(`${year}-`));
        const truth = truthOf(year);
        for (const md of CUTS) {
          const f = forecastAnnualMean({ year, at: `${year}-${md}`, target: 35, days, history: historyOf(year) });
          if (!f.projection) continue;
          cases++;
          if (f.projection.lower <= truth && truth <= f.projection.upper) covered++;
          else
            misses.push(
              `${year}-${md}: ${truth.toFixed(1)} ${truth < f.projection.lower ? 'below' : 'above'} [${f.projection.lower.toFixed(1)}, ${f.projection.upper.toFixed(1)}]`,
            );
        }
      }
      return { covered, cases, misses };
    };
    // Leave one year out: each year forecast from all the others (the trend fitted across them).
    const loyo = run([2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021], (year) =>
      daily.filter((d) => !d.day.startsWith(`${year}-`)),
    );
    // As the view uses it: each year from the earlier years only.
    const forward = run([2016, 2017, 2018, 2019, 2020, 2021], (year) => daily.filter((d) => d.day < `${year}-01-01`));
    console.info(
      `US Consulate back-test, leave one year out: the 80 % interval covered ${loyo.covered} of ${loyo.cases}; misses: ${loyo.misses.join('; ')}`,
    );
    console.info(
      `US Consulate back-test, earlier years only: covered ${forward.covered} of ${forward.cases}; misses: ${forward.misses.join('; ')}`,
    );
    expect(loyo.cases).toBe(27);
    expect(Math.abs(loyo.covered / loyo.cases - 0.8)).toBeLessThanOrEqual(0.1);
    expect(forward.cases).toBe(18);
    expect(forward.covered / forward.cases).toBeGreaterThanOrEqual(0.6);
  }, 60_000);
});
