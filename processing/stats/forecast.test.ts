import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { describe, expect, it } from 'vitest';
import { consulateDailyMeans } from '../../test/helpers/us-consulate';
import { roundGbt8170 } from './aqi';
import { forecastAnnualMean, type DailyValue } from './forecast';

const DAY = 86_400_000;

/** Every day of a year with a value from `value(i, day)` (i = 0 on 1 January). */
function yearOf(year: number, value: (i: number, day: string) => number | null): DailyValue[] {
  const start = Date.UTC(year, 0, 1);
  const n = (Date.UTC(year + 1, 0, 1) - start) / DAY;
  return Array.from({ length: n }, (_, i) => {
    const day = new Date(start + i * DAY).toISOString().slice(0, 10);
    return { day, value: value(i, day) };
  });
}

/** Seeded uniform (mulberry32) and normal (Box–Muller) draws, independent of the code under test. */
function rng(seed: number): { u: () => number; z: () => number } {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = (): number => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, z };
}

const meanOf = (ds: readonly DailyValue[]): number => {
  const vs = ds.flatMap((d) => (d.value === null ? [] : [d.value]));
  return vs.reduce((a, b) => a + b, 0) / vs.length;
};

describe('remaining budget to meet an annual-mean target (GB/T 8170 rounding)', () => {
  // 2025: 1 January – 30 June is 181 days; 180 of them valid at 40 (30 June missing); 184 days left.
  const days2025 = yearOf(2025, (i) => (i < 180 ? 40 : null));

  it('by hand: 180 days of 40 through 30 June, target 35', () => {
    const f = forecastAnnualMean({ year: 2025, at: '2025-06-30', target: 35, days: days2025, history: [] });
    expect(f.ytd).toEqual({ mean: 40, validDays: 180, throughDay: '2025-06-30' });
    expect(f.remainingDays).toBe(184);
    // (180·40 + 184·m)/364 < 35.5  ⇔  m < (35.5·364 − 7200)/184 = (12922 − 7200)/184 = 5722/184 = 31.0978…
    // Stated to 0.01 rounded down: 31.09 (→ annual 35.4960, meets); 31.10 would give 35.5011 → 36.
    expect(f.budget).toEqual({ maxMean: Math.floor(572200 / 184) / 100, impossible: false, alreadyMet: false });
    expect(f.budget.maxMean).toBe(31.09);
    // No earlier years: no projection, no probability, verdict from the budget alone.
    expect(f.projection).toBeNull();
    expect(f.probability).toBeNull();
    expect(f.verdict).toBe('unknown');
  });

  it('impossible when even a clean rest of year would not do', () => {
    // 180 days of 80: a rest of zeros still gives 14400/364 = 39.56 → 40 > 35.
    const f = forecastAnnualMean({ year: 2025, at: '2025-06-30', target: 35, days: yearOf(2025, (i) => (i < 180 ? 80 : null)), history: [] });
    expect(14400 / 364).toBeGreaterThan(35.5);
    expect(f.budget).toEqual({ maxMean: null, impossible: true, alreadyMet: false });
    expect(f.verdict).toBe('off track');
  });

  it('the half-even boundary: the exact x.5 meets an even target, not an odd one', () => {
    // 2024 (leap): 1 January – 1 July is 183 days of 40, 183 days left, so annual = (40 + m)/2.
    const days = yearOf(2024, (i) => (i < 183 ? 40 : null));
    const odd = forecastAnnualMean({ year: 2024, at: '2024-07-01', target: 35, days, history: [] });
    const even = forecastAnnualMean({ year: 2024, at: '2024-07-01', target: 34, days, history: [] });
    expect(odd.remainingDays).toBe(183);
    // Target 35: m = 31 gives exactly 35.5 → 36 (half to even), so the highest stated budget is 30.99.
    expect(roundGbt8170((40 + 31) / 2, 0)).toBe(36);
    expect(odd.budget.maxMean).toBe(30.99);
    // Target 34: m = 29 gives exactly 34.5 → 34, which meets: the budget is 29 itself.
    expect(roundGbt8170((40 + 29) / 2, 0)).toBe(34);
    expect(even.budget.maxMean).toBe(29);
  });

  it('already met when even a ceiling of 1000 for the last days would do', () => {
    // 2025: 360 days of 10 through 26 December, 5 days left: (3600 + 5·1000)/365 = 23.6 → 24 ≤ 35.
    const f = forecastAnnualMean({ year: 2025, at: '2025-12-26', target: 35, days: yearOf(2025, (i) => (i < 360 ? 10 : null)), history: [] });
    expect(f.remainingDays).toBe(5);
    expect(f.budget.alreadyMet).toBe(true);
    // (35.5·365 − 3600)/5 = 1871.5 → stated 1871.49 (odd target, the exact boundary rounds up).
    expect(f.budget.maxMean).toBe(1871.49);
    expect(f.verdict).toBe('on track');
  });

  it('ignores days after `at` and days of other years given in `days`', () => {
    const noisy = [...yearOf(2024, () => 500), ...yearOf(2025, (i) => (i < 180 ? 40 : 999))];
    const f = forecastAnnualMean({ year: 2025, at: '2025-06-30', target: 35, days: noisy, history: [] });
    expect(f.ytd).toEqual({ mean: (180 * 40 + 999) / 181, validDays: 181, throughDay: '2025-06-30' });
  });
});

describe('a finished year: met or not on the annual mean rounded half to even', () => {
  const finished = (days: DailyValue[], target: number, year = 2025) => forecastAnnualMean({ year, at: `${year}-12-31`, target, days, history: [] });
  it.each([
    [35.4, 35, 'met'], // 35.4 → 35
    [35.5, 35, 'not met'], // 35.5 → 36
    [34.5, 34, 'met'], // 34.5 → 34
    [34.6, 34, 'not met'], // 34.6 → 35
  ] as const)('mean %d against %d: %s', (v, target, verdict) => {
    const f = finished(yearOf(2025, () => v), target);
    expect(f.verdict).toBe(verdict);
    expect(f.probability).toBe(verdict === 'met' ? 1 : 0);
    expect(f.remainingDays).toBe(0);
  });

  it('a mean of exactly 35.5 from mixed days (183 of 35 and 183 of 36 in 2024): not met at 35, met at 36', () => {
    const days = yearOf(2024, (i) => (i < 183 ? 35 : 36));
    expect(finished(days, 35, 2024).verdict).toBe('not met');
    expect(finished(days, 36, 2024).verdict).toBe('met');
  });
});

describe('projection from earlier years', () => {
  it('equals the log-t prediction interval computed by hand from three earlier years', () => {
    // Sanity of the t quantile against a printed table: t(0.90; 2 df) = 1.885618.
    expect(tQuantile(0.9, 2)).toBeCloseTo(1.885618, 5);
    // Earlier years: a flat value up to 30 June, another after it: ratios 0.8, 0.9, 1.0.
    const halves: [number, number, number][] = [
      [2021, 50, 40],
      [2022, 50, 45],
      [2023, 40, 40],
    ];
    const history = halves.flatMap(([y, a, b]) => yearOf(y, (_, d) => (d <= `${y}-06-30` ? a : b)));
    // 2024 (leap): 182 days of 40 through 30 June, 184 left.
    const days = yearOf(2024, (i) => (i < 182 ? 40 : null));
    const f = forecastAnnualMean({ year: 2024, at: '2024-06-30', target: 35, days, history });
    const logs = [Math.log(0.8), Math.log(0.9), Math.log(1)];
    const mu = (logs[0]! + logs[1]! + logs[2]!) / 3;
    const s = Math.sqrt(logs.reduce((a, l) => a + (l - mu) ** 2, 0) / 2);
    const spread = s * Math.sqrt(1 + 1 / 3);
    const q = tQuantile(0.9, 2);
    const annual = (l: number): number => (182 * 40 + 184 * 40 * Math.exp(l)) / 366;
    expect(f.projection).not.toBeNull();
    expect(f.projection!.yearsUsed).toBe(3);
    expect(f.projection!.level).toBe(0.8);
    expect(f.projection!.mean).toBeCloseTo(annual(mu), 10);
    expect(f.projection!.lower).toBeCloseTo(annual(mu - q * spread), 10);
    expect(f.projection!.upper).toBeCloseTo(annual(mu + q * spread), 10);
    // P(annual < 35.5) = P(rest < (35.5·366 − 7280)/184) on the same t distribution.
    const boundary = (35.5 * 366 - 182 * 40) / 184;
    const p = tCdf((Math.log(boundary / 40) - mu) / spread, 2);
    expect(f.probability).toBeCloseTo(p, 10);
    expect(f.verdict).toBe(p >= 0.8 ? 'on track' : p >= 0.2 ? 'at risk' : 'off track');
    // A wider level widens the interval.
    const f95 = forecastAnnualMean({ year: 2024, at: '2024-06-30', target: 35, days, history, level: 0.95 });
    expect(f95.projection!.upper).toBeCloseTo(annual(mu + tQuantile(0.975, 2) * spread), 10);
  });

  it('uses only years with ≥ 300 valid days and ≥ 60 % on both sides; fewer than two → no projection', () => {
    // 2024 (leap): 274 days of 40 through 30 September. In 2022, 30 September splits 273 | 92 days.
    const days = yearOf(2024, (i) => (i < 274 ? 40 : null));
    const full = (y: number) => yearOf(y, () => 40);
    const short = yearOf(2021, (i) => (i < 299 ? 40 : null)); // 299 valid days in all
    const afterValid = (m: number) => yearOf(2022, (i) => (i < 273 + m ? 40 : null)); // m of the 92 later days valid
    const at = '2024-09-30';
    // 50 of 92 later days (54 % < 60 %) though 323 valid in all: unusable; with 2021 too short, one year is left.
    const one = forecastAnnualMean({ year: 2024, at, target: 35, days, history: [short, afterValid(50), full(2023)].flat() });
    expect(one.projection).toBeNull();
    expect(one.probability).toBeNull();
    expect(one.verdict).toBe('unknown');
    // 56 of 92 (60.9 %): usable.
    expect(forecastAnnualMean({ year: 2024, at, target: 35, days, history: [short, afterValid(56), full(2023)].flat() }).projection?.yearsUsed).toBe(2);
    // Years at or after the forecast year in `history` are ignored.
    const two = forecastAnnualMean({ year: 2024, at, target: 35, days, history: [full(2022), full(2023), full(2024), full(2025)].flat() });
    expect(two.projection?.yearsUsed).toBe(2);
  });

  it('on simulated years the 80 % interval covers the true annual mean at about its rate, and the chance is calibrated', () => {
    // A year: level × seasonal shape (winter high) × a year-specific drift within the year × AR(1) daily noise, 3 % of days missing.
    const simulate = (year: number, r: ReturnType<typeof rng>): DailyValue[] => {
      const level = 40 * Math.exp(0.15 * r.z());
      const drift = 0.25 * r.z();
      let e = 0;
      return yearOf(year, (i) => {
        e = 0.7 * e + Math.sqrt(1 - 0.49) * 0.35 * r.z();
        const v = level * (1 + 0.35 * Math.cos((2 * Math.PI * (i - 15)) / 365)) * Math.exp(drift * (i / 365 - 0.5) + e);
        return r.u() < 0.03 ? null : v;
      });
    };
    const ats = ['03-31', '06-30', '09-30'];
    let covered = 0;
    let counted = 0;
    let sumP = 0;
    let met = 0;
    for (let k = 0; k < 300; k++) {
      const r = rng(1000 + k);
      const history = [2018, 2019, 2020, 2021, 2022, 2023].flatMap((y) => simulate(y, r));
      const days = simulate(2024, r);
      const truth = meanOf(days);
      // Target near the typical level so that the chance is neither 0 nor 1.
      const f = forecastAnnualMean({ year: 2024, at: `2024-${ats[k % 3]}`, target: 40, days, history });
      if (!f.projection || f.probability === null) continue;
      counted++;
      if (f.projection.lower <= truth && truth <= f.projection.upper) covered++;
      sumP += f.probability;
      if (roundGbt8170(truth, 0) <= 40) met++;
    }
    // Measured: 241 of 300 covered (80.3 %); mean chance 0.517 vs 0.517 met.
    console.info(`simulated: 80 % interval covered ${covered}/${counted} = ${((100 * covered) / counted).toFixed(1)} %; mean chance ${(sumP / counted).toFixed(3)} vs met ${(met / counted).toFixed(3)}`);
    expect(counted).toBe(300);
    expect(covered / counted).toBeGreaterThan(0.7);
    expect(covered / counted).toBeLessThan(0.9);
    expect(Math.abs(sumP / counted - met / counted)).toBeLessThan(0.08);
  });
});

describe('back-test on the real US Consulate Shanghai series (2013–2021)', () => {
  it('forecasts 2016–2021 at 31 March, 30 June and 30 September from the earlier years of the file', () => {
    const daily = consulateDailyMeans();
    const lines: string[] = [];
    let cases = 0;
    let covered = 0;
    let coveredRounded = 0;
    let rightVerdicts = 0;
    let decided = 0;
    let brier = 0;
    for (let year = 2016; year <= 2021; year++) {
      const days = daily.filter((d) => d.day.startsWith(`${year}-`));
      const truth = meanOf(days);
      const truthRounded = roundGbt8170(truth, 0);
      for (const md of ['03-31', '06-30', '09-30']) {
        const f = forecastAnnualMean({ year, at: `${year}-${md}`, target: 35, days, history: daily.filter((d) => d.day < `${year}-01-01`) });
        if (!f.projection || f.probability === null) {
          lines.push(`${year}-${md}: no projection`);
          continue;
        }
        cases++;
        const p = f.projection;
        const inRaw = p.lower <= truth && truth <= p.upper;
        const inRounded = roundGbt8170(p.lower, 0) <= truthRounded && truthRounded <= roundGbt8170(p.upper, 0);
        if (inRaw) covered++;
        if (inRounded) coveredRounded++;
        const metTarget = truthRounded <= 35;
        brier += (f.probability - (metTarget ? 1 : 0)) ** 2;
        if (f.verdict === 'on track' || f.verdict === 'off track') {
          decided++;
          if ((f.verdict === 'on track') === metTarget) rightVerdicts++;
        }
        lines.push(`${year}-${md}: truth ${truth.toFixed(1)} (→${truthRounded}) ${inRounded ? 'in' : 'OUT'} [${p.lower.toFixed(1)}, ${p.upper.toFixed(1)}] point ${p.mean.toFixed(1)} k=${p.yearsUsed} P(≤35)=${f.probability.toFixed(2)} ${f.verdict}`);
      }
    }
    // Measured (80 % interval): see the console line; recorded in the report of this change.
    console.info(
      `US Consulate back-test, 80 % interval: rounded truth in rounded interval ${coveredRounded}/${cases}, raw truth in interval ${covered}/${cases}; ` +
        `decisive verdicts right ${rightVerdicts}/${decided}; Brier ${(brier / cases).toFixed(3)}\n${lines.join('\n')}`,
    );
    expect(cases).toBeGreaterThanOrEqual(15);
    // The series falls from the 60s to ~30 µg/m³ and the ratio method does not model that trend,
    // so coverage below the nominal 80 % is plausible; most cases must still be covered.
    expect(coveredRounded / cases).toBeGreaterThanOrEqual(0.5);
  });
});
