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

describe('daily AQI with indicators missing (§4.7: HJ 633-2012 keeps it, HJ 633-2026 §5.3 only above 100)', () => {
  const outcome = (r: ReturnType<typeof dailyAqi>) => [r.aqi, r.category?.zh ?? null, r.partial, r.withheld];

  it('2026, SO2 alone: its IAQI is kept but the day has no AQI', () => {
    // SO2 24-h 20 on 0–50 → IAQI 50/50·20 = 20 ≤ 100, five indicators missing: NA.
    const r = dailyAqi('2026', { so2: 20 });
    expect(outcome(r)).toEqual([null, null, false, true]);
    expect([r.iaqi, r.primary]).toEqual([{ so2: 20 }, []]);
  });

  it('2026, PM2.5 alone above IAQI 100: that IAQI is the AQI, marked partial', () => {
    // PM2.5 80 on the 2026 column (60 → 100, 115 → 150): (150−100)/(115−60)·(80−60)+100 = 118.2 → 119.
    const r = dailyAqi('2026', { pm25: 80 });
    expect(outcome(r)).toEqual([119, '轻度污染', true, false]);
    expect(r.primary).toEqual(['pm25']);
  });

  it('2026: an AQI of exactly 100 from the indicators present is still withheld; 101 is published', () => {
    // PM2.5 60 is the 2026 breakpoint of IAQI 100; PM2.5 61: 50/55·1+100 = 100.9 → 101.
    expect(outcome(dailyAqi('2026', { pm25: 60 }))).toEqual([null, null, false, true]);
    expect(outcome(dailyAqi('2026', { pm25: 61 }))).toEqual([101, '轻度污染', true, false]);
  });

  it('2026, all six indicators (no O3 maximum 1-h needed): a whole day', () => {
    // SO2 10 → 10; NO2 40 → 50; CO 1.0 → 50/2·1 = 25; PM10 80 → 50/70·30+50 = 71.4 → 72;
    // PM2.5 45 → 50/25·10+50 = 70; MDA8 120 → 50/60·20+50 = 66.7 → 67. AQI 72 (PM10), 良.
    const r = dailyAqi('2026', { so2: 10, no2: 40, co: 1.0, pm10: 80, pm25: 45, o3_8h: 120 });
    expect(outcome(r)).toEqual([72, '良', false, false]);
    expect([r.iaqi, r.primary, r.missing]).toEqual([
      { so2: 10, no2: 50, co: 25, pm10: 72, pm25: 70, o3_8h: 67 },
      ['pm10'],
      [],
    ]);
  });

  it('2012, SO2 alone: the AQI of SO2 stands, marked partial', () => {
    // SO2 24-h 20 → 20, 优; six of the seven indicators missing.
    const r = dailyAqi('2012', { so2: 20 });
    expect(outcome(r)).toEqual([20, '优', true, false]);
    expect(r.missing).toEqual(['no2', 'co', 'pm10', 'pm25', 'o3_1h', 'o3_8h']);
  });

  it('2012: a day without its O3 maximum 1-h is partial; an MDA8 above 800 is no gap (the 1-h one stands)', () => {
    const six = { so2: 10, no2: 40, co: 1.0, pm10: 80, pm25: 45, o3_8h: 120 };
    expect(dailyAqi('2012', six)).toMatchObject({ partial: true, missing: ['o3_1h'] });
    expect(dailyAqi('2012', { ...six, o3_1h: 900, o3_8h: 850 })).toMatchObject({ partial: false, missing: [] });
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

  it('applies HJ 633-2026 §5.3 to an hour with indicators missing too', () => {
    // PM2.5 30 on 0–35 → 50/35·30 = 42.9 → 43: kept in 2012 (partial), NA in 2026.
    expect(hourlyAqi('2012', { pm25: 30 })).toMatchObject({ aqi: 43, partial: true, withheld: false });
    expect(hourlyAqi('2026', { pm25: 30 })).toMatchObject({ aqi: null, iaqi: { pm25: 43 }, withheld: true });
  });
});
