import { describe, expect, it } from 'vitest';
import { dailyAqi, hourlyAqi, iaqi, roundGbt8170 } from './aqi';
import { BREAKPOINTS, regimeOfDay } from './standards';

describe('GB/T 8170 rounding (docs/standards.md §3.5)', () => {
  it.each([
    [78.4, 0, 78],
    [78.6, 0, 79],
    [78.5, 0, 78], // exactly half: to the even neighbour
    [79.5, 0, 80],
    [78.51, 0, 79], // 5 followed by non-zero digits: up
    [0.15, 1, 0.2], // the decimal 0.15, though stored as 0.1499…
    [0.25, 1, 0.2],
    [0.35, 1, 0.4],
    [1.05, 1, 1.0],
    [-2.5, 0, -2],
  ])('%d to %d decimals is %d', (x, d, want) => {
    expect(roundGbt8170(x, d)).toBe(want);
  });
});

describe('IAQI (HJ 633-2012 Eq. 1, rounded up)', () => {
  const bp = BREAKPOINTS['2012'];
  it.each([
    ['PM2.5 78 (the worked example: 103.75)', 78, bp.pm25_24h, 104],
    ['PM10 40 (archive example, 1141A)', 40, bp.pm10_24h, 40],
    ['PM10 65 (archive example, 1142A: 57.5)', 65, bp.pm10_24h, 58],
    ['PM2.5 at a breakpoint, 75', 75, bp.pm25_24h, 100],
    ['SO2 24-h 475 (not the 1-h column)', 475, bp.so2_24h, 150],
    ['CO 24-h 4 mg/m³', 4, bp.co_24h, 100],
    ['PM2.5 above the top, 600', 600, bp.pm25_24h, 500],
  ])('%s', (_name, c, col, want) => {
    expect(iaqi(c, col)).toBe(want);
  });

  it('is undefined where HJ 633 defines no column: SO2 1-h and O3 8-h above 800', () => {
    expect(iaqi(801, bp.so2_1h)).toBeUndefined();
    expect(iaqi(801, bp.o3_8h)).toBeUndefined();
  });
});

describe('daily AQI (§4.6)', () => {
  it('differs between regimes for the same day: PM2.5 70 is 94 in 2012 and 110 in 2026', () => {
    // 2012: (100−50)/(75−35)·(70−35)+50 = 93.75 → 94. 2026: (150−100)/(115−60)·(70−60)+100 = 109.09 → 110.
    expect(dailyAqi('2012', { pm25: 70 }).iaqi.pm25).toBe(94);
    expect(dailyAqi('2026', { pm25: 70 }).iaqi.pm25).toBe(110);
    expect(regimeOfDay('2026-02-28')).toBe('2012');
    expect(regimeOfDay('2026-03-01')).toBe('2026');
  });

  it('lists every tied pollutant as primary, only above 50', () => {
    const tie = dailyAqi('2012', { pm10: 150, no2: 80, so2: 10, co: 0.5, pm25: 30, o3_1h: 100, o3_8h: 90 });
    expect([tie.aqi, tie.primary.sort(), tie.category?.zh]).toEqual([100, ['no2', 'pm10'], '良']);
    const clean = dailyAqi('2012', { pm25: 30, pm10: 45 });
    expect([clean.aqi, clean.primary]).toEqual([45, []]);
  });

  it('O3-8h above 800: no 8-h IAQI in 2012 (the 1-h one stands), 300 in 2026; 2026 drops the 1-h O3', () => {
    const r2012 = dailyAqi('2012', { o3_1h: 900, o3_8h: 850 });
    // O3 1-h 900 lies in [800, 1000]: (400−300)/(1000−800)·(900−800)+300 = 350.
    expect(r2012.iaqi).toEqual({ o3_1h: 350 });
    const r2026 = dailyAqi('2026', { o3_1h: 900, o3_8h: 850 });
    expect(r2026.iaqi).toEqual({ o3_8h: 300 });
  });

  it('rounds concentrations before scoring: PM2.5 75.4 counts as 75 (IAQI 100), 75.6 as 76 (102)', () => {
    expect(dailyAqi('2012', { pm25: 75.4 }).aqi).toBe(100);
    expect(dailyAqi('2012', { pm25: 75.6 }).aqi).toBe(102); // (150−100)/40·1+100 = 101.25 → 102
  });

  it('names the indicators a report lacks', () => {
    expect(dailyAqi('2026', { pm25: 20 }).missing).toEqual(['so2', 'no2', 'co', 'pm10', 'o3_8h']);
  });
});

describe('hourly (real-time) AQI as CNEMC publishes it (§4.6)', () => {
  it('reproduces the published example: O3 1-h 172 alone gives 65', () => {
    // Beijing 1001A, 2022-07-15 15:00: 172 on the 1-h column is (100−50)/(200−160)·(172−160)+50 = 65.
    expect(hourlyAqi('2012', { o3: 172 }).aqi).toBe(65);
  });

  it('scores SO2 1-h above 800 from its 24-h value in 2012 and as 200 in 2026', () => {
    expect(hourlyAqi('2012', { so2: 900, so2_24h: 475 }).iaqi.so2).toBe(150);
    expect(hourlyAqi('2026', { so2: 900 }).iaqi.so2).toBe(200);
  });
});
