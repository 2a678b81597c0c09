import { describe, expect, it } from 'vitest';
import { compositeIndex, dayCounts } from './composite';

describe('composite index (docs/standards.md §3.4)', () => {
  it('sums C/S over the six pollutants with two decimals and names the largest part', () => {
    // 8/60 + 30/40 + 55/70 + 32/35 + 1.0/4 + 160/160 = 0.1333 + 0.75 + 0.7857 + 0.9143 + 0.25 + 1 = 3.8333 → 3.83
    const r = compositeIndex({ so2: 8, no2: 30, pm10: 55, pm25: 32, co: 1.0, o3: 160 });
    expect(r.index).toBe(3.83);
    expect(r.primary).toEqual(['o3']);
  });

  it('is not computed with a pollutant missing', () => {
    expect(compositeIndex({ so2: 8, no2: 30, pm10: 55, pm25: 32, co: 1 })).toMatchObject({
      index: null,
      missing: ['o3'],
    });
  });
});

describe('good and heavy days (§4.5)', () => {
  it('counts AQI ≤ 100 as good and > 200 as heavy, over valid days, ratios to 0.1 %', () => {
    // 7 valid days: 50, 100 good; 101, 150, 200 neither; 201, 300 heavy → good 2/7 = 28.6 %, heavy 28.6 %.
    const whole = (aqi: number | null) => ({ aqi, partial: false, withheld: false });
    expect(dayCounts([50, 100, 101, 150, 200, 201, 300, null].map(whole))).toEqual({
      valid: 7,
      good: 2,
      heavy: 2,
      goodRatio: 28.6,
      heavyRatio: 28.6,
      partialDays: 0,
      withheldDays: 0,
    });
    expect(dayCounts([])).toMatchObject({ valid: 0, goodRatio: null, partialDays: 0 });
  });

  it('counts partial days among the valid ones and leaves withheld days out of the ratios', () => {
    // 3 days with an AQI (40 whole, 60 partial, 120 partial) and one withheld (no AQI):
    // good 2/3 = 66.7 %, 2 partial, 1 withheld.
    const days = [
      { aqi: 40, partial: false, withheld: false },
      { aqi: 60, partial: true, withheld: false },
      { aqi: 120, partial: true, withheld: false },
      { aqi: null, partial: false, withheld: true },
    ];
    expect(dayCounts(days)).toEqual({
      valid: 3,
      good: 2,
      heavy: 0,
      goodRatio: 66.7,
      heavyRatio: 0,
      partialDays: 2,
      withheldDays: 1,
    });
  });
});
