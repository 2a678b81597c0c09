import { describe, expect, it } from 'vitest';
import { ozoneView, type Mda8Day } from './ozone';

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
});
