import { describe, expect, it } from 'vitest';
import { areaOzoneView, ozoneView, type Mda8Day } from './ozone';

const DAY_MS = 86_400_000;
const dayAfter = (start: string, i: number): string =>
  new Date(Date.parse(`${start}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);

describe('ozone view (docs/standards.md §3.1–3.2: P90 of MDA8 by the HJ 663 formula)', () => {
  it('the rolling 365-day P90 is the HJ 663 percentile of exactly the last 365 days', () => {
    // 2024 (leap) and 2025: day i of the series has MDA8 = i % 200 (a saw with known order statistics).
    const series: Mda8Day[] = Array.from({ length: 731 }, (_, i) => ({
      day: dayAfter('2024-01-01', i),
      value: i % 200,
    }));
    const { days } = ozoneView(series, '2025-01-01', '2025-12-31');
    const last = days.at(-1)!;
    expect(last.day).toBe('2025-12-31');
    // The window is days 366…730: values (366..730) % 200. Sorted, by hand: 166..199 (34 values),
    // 0..199 (200 values), 0..130 (131) → 365 values. k = 1 + 364·0.9 = 328.6.
    const window = Array.from({ length: 365 }, (_, j) => (366 + j) % 200).sort((a, b) => a - b);
    const k = 1 + 364 * 0.9;
    const expected =
      window[Math.floor(k) - 1]! + (window[Math.floor(k)]! - window[Math.floor(k) - 1]!) * (k - Math.floor(k));
    expect(last.n).toBe(365);
    expect(last.valid).toBe(true);
    expect(last.p90).toBe(Math.round(expected));
  });

  it('needs 324 valid days in the window for an assessment value', () => {
    // 323 valid days, then missing: not valid; one more valid day makes 324.
    const series: Mda8Day[] = Array.from({ length: 365 }, (_, i) => ({
      day: dayAfter('2025-01-01', i),
      value: i < 323 || i === 364 ? 100 : null,
    }));
    const { days } = ozoneView(series, '2025-12-30', '2025-12-31');
    expect(days.map((d) => [d.n, d.valid])).toEqual([
      [323, false],
      [324, true],
    ]);
  });

  it('counts exceedance days (MDA8 > 160) in the year and in the warm season', () => {
    const series: Mda8Day[] = [
      { day: '2025-03-31', value: 170 }, // exceeds, not warm season
      { day: '2025-04-01', value: 160 }, // equal: not an exceedance
      { day: '2025-06-15', value: 161 }, // exceeds, warm
      { day: '2025-09-30', value: 200 }, // exceeds, warm
      { day: '2025-10-01', value: 100 },
    ];
    const { years, days } = ozoneView(series, '2025-01-01', '2025-12-31');
    expect(years[0]).toMatchObject({ year: 2025, validDays: 5, exceedanceDays: 3, valid: false });
    expect(years[0]?.warmSeason).toMatchObject({
      validDays: 3,
      exceedanceDays: 2,
      mean: Math.round(((160 + 161 + 200) / 3) * 10) / 10,
    });
    // Warm-season P90 of [160, 161, 200]: k = 1 + 2·0.9 = 2.8 → 161 + 39·0.8 = 192.2 → 192.
    expect(years[0]?.warmSeason.p90).toBe(192);
    expect(days.filter((d) => d.exceeds).map((d) => d.day)).toEqual(['2025-03-31', '2025-06-15', '2025-09-30']);
  });

  it('counts an exceedance on the MDA8 as published: an integer by GB/T 8170 (§3.5), then > 160', () => {
    // By hand: 160.4 → 160 (not above 160); 160.5 → 160 (exactly half: to the even neighbour);
    // 160.6 → 161; 161.5 → 162 (half, to even); 160.50001 → 161 (more than half).
    const series: Mda8Day[] = [
      { day: '2025-07-01', value: 160.4 },
      { day: '2025-07-02', value: 160.5 },
      { day: '2025-07-03', value: 160.6 },
      { day: '2025-07-04', value: 161.5 },
      { day: '2025-07-05', value: 160.50001 },
      { day: '2025-07-06', value: 1284 / 8 }, // 160.5 from an 8-hour mean
    ];
    const { days, years } = ozoneView(series, '2025-07-01', '2025-07-06');
    expect(days.map((d) => [d.day, d.exceeds])).toEqual([
      ['2025-07-01', false],
      ['2025-07-02', false],
      ['2025-07-03', true],
      ['2025-07-04', true],
      ['2025-07-05', true],
      ['2025-07-06', false],
    ]);
    expect(years[0]?.exceedanceDays).toBe(3);
    expect(years[0]?.warmSeason.exceedanceDays).toBe(3);
  });
});

describe('ozone view of a province or region (docs/standards.md §3.3: the mean of its cities’ P90)', () => {
  // Three cities over 2025 (365 days), each with its own peak season:
  //   A: 100 on every day, 200 on days 0–49 (50 days);
  //   B: 100 on every day, 180 on days 100–149;
  //   C: 80 on every day (no peak), missing on days 0–29 (335 valid days).
  const days2025 = Array.from({ length: 365 }, (_, i) => dayAfter('2025-01-01', i));
  const cities = [
    { city: 'A', days: days2025.map((day, i) => ({ day, value: i < 50 ? 200 : 100 })) },
    { city: 'B', days: days2025.map((day, i) => ({ day, value: i >= 100 && i < 150 ? 180 : 100 })) },
    { city: 'C', days: days2025.map((day, i) => ({ day, value: i < 30 ? null : 80 })) },
  ];
  const all = (): string[] => ['A', 'B', 'C'];

  it('gives as the year’s P90 the mean of the cities’ P90, not the P90 of the mean series', () => {
    const { years, days } = areaOzoneView(cities, all, '2025-01-01', '2025-12-31');
    // City P90s by hand (k = 1 + (n − 1)·0.9):
    //   A: n = 365, k = 328.6; sorted, 315 values of 100 then the 50 of 200 as X(316)…X(365), so
    //      X(328) = X(329) = 200 → 200.
    //   B: likewise 315 × 100 and 50 × 180 → 180.
    //   C: n = 335, every value 80 → 80.
    // Mean (200 + 180 + 80)/3 = 153.33 → 153.
    expect(years[0]).toMatchObject({ year: 2025, p90: 153, validDays: 335, valid: true });
    // The mean series: days 0–29 (A 200, B 100; C missing) 150; days 30–49 (200, 100, 80) 126.67;
    // days 50–99 and 150–364 (100, 100, 80) 93.33; days 100–149 (100, 180, 80) 120. Sorted: 265 ×
    // 93.33, 50 × 120, 20 × 126.67, 30 × 150; k = 328.6: X(328) = X(329) = 126.67 (X(316)…X(335)) → 127.
    expect(years[0]?.p90OfAreaMeanSeries).toBe(127);
    // The last day's rolling window is exactly 2025: the same values as the year.
    expect(days.at(-1)).toMatchObject({ day: '2025-12-31', p90: 153, n: 335, valid: true, p90OfAreaMeanSeries: 127 });
    // Exceedances stay on the area's daily mean, whose largest day is 150: none above 160.
    expect(years[0]?.exceedanceDays).toBe(0);
  });

  it('averages only the cities with a valid year, and is valid only when every city is', () => {
    // C with only 300 valid days: its P90 leaves the mean, (200 + 180)/2 = 190, and the year is not valid.
    const short = cities.map((c) =>
      c.city === 'C' ? { ...c, days: c.days.map((d, i) => ({ ...d, value: i < 65 ? null : 80 })) } : c,
    );
    const { years } = areaOzoneView(short, all, '2025-01-01', '2025-12-31');
    expect(years[0]).toMatchObject({ p90: 190, validDays: 300, valid: false });
  });

  it('takes the warm-season P90 as the mean of the cities’ warm-season P90', () => {
    // April–September is days 90–272 (183 days). A: all 100 → 100. B: 50 × 180 and 133 × 100,
    // k = 1 + 182·0.9 = 164.8 → X(164) = X(165) = 180 (the 180s are X(134)…X(183)) → 180. C: 80.
    // Mean (100 + 180 + 80)/3 = 120.
    const { years } = areaOzoneView(cities, all, '2025-01-01', '2025-12-31');
    expect(years[0]?.warmSeason.p90).toBe(120);
  });
});
