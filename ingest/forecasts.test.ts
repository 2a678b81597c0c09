import { describe, expect, it } from 'vitest';
import type { Province } from '../schemas';
import { categoryOfAqi, checkForecasts } from './forecasts';

const CITIES = new Map<string, Province>([
  ['南京', 'jiangsu'],
  ['上海', 'shanghai'],
]);
const RECEIVED_MS = Date.parse('2025-02-13T00:00:00Z');

describe('categoryOfAqi (HJ 633 Table 2, upper ends included)', () => {
  it.each([
    [0, '优'],
    [50, '优'],
    [51, '良'],
    [100, '良'],
    [101, '轻度污染'],
    [150, '轻度污染'],
    [151, '中度污染'],
    [200, '中度污染'],
    [201, '重度污染'],
    [300, '重度污染'],
    [301, '严重污染'],
    [500, '严重污染'],
  ])('%i → %s', (aqi, category) => expect(categoryOfAqi(aqi)).toBe(category));
});

describe('checkForecasts', () => {
  it('reads CSV with a BOM, a primary list separated by ; and empty optional cells', () => {
    const csv =
      '\uFEFFcity,source,issuedAt,validDate,aqiLow,aqiHigh,category,primary,pm25\n南京,jiangsu,2025-02-12T16:00:00+08:00,2025-02-13,90,120,,pm25;o3_8h,\n';
    const out = checkForecasts({
      centre: 'jiangsu',
      body: Buffer.from(csv),
      format: 'csv',
      cities: CITIES,
      receivedAtMs: RECEIVED_MS,
    });
    expect(out.rejected).toEqual([]);
    expect(out.accepted).toEqual([
      {
        city: '南京',
        province: 'jiangsu',
        source: 'jiangsu',
        issuedAt: '2025-02-12T08:00:00.000Z',
        issueDay: '2025-02-12',
        validDate: '2025-02-13',
        lead: 1,
        aqiLow: 90,
        aqiHigh: 120,
        category: '轻度污染',
        primary: ['pm25', 'o3_8h'],
        pm25: null,
        o3_mda8: null,
        centre: 'jiangsu',
        receivedAt: '2025-02-13T00:00:00.000Z',
      },
    ]);
  });

  it('takes the issue day in CST: 23:30 UTC on the 12th is the 13th in CST, so lead 0 for the 13th', () => {
    const out = checkForecasts({
      centre: 'coordinator',
      body: [
        {
          city: '上海',
          source: 'yrd',
          issuedAt: '2025-02-12T23:30:00Z',
          validDate: '2025-02-13',
          aqiLow: 40,
          aqiHigh: 60,
        },
      ],
      format: 'json',
      cities: CITIES,
      receivedAtMs: RECEIVED_MS,
    });
    expect(out.accepted.map((f) => [f.issueDay, f.lead, f.primary])).toEqual([['2025-02-13', 0, []]]);
  });

  it('refuses a body that is not an array, a validDate before the issue day and an unknown field, naming each', () => {
    expect(
      checkForecasts({
        centre: 'jiangsu',
        body: { city: '南京' },
        format: 'json',
        cities: CITIES,
        receivedAtMs: RECEIVED_MS,
      }).rejected,
    ).toEqual([
      {
        index: -1,
        city: '',
        code: 'FORECAST_INVALID',
        field: '(body)',
        reason: 'expected a JSON array of forecasts, or text/csv',
      },
    ]);
    const base = { city: '南京', source: 'jiangsu', issuedAt: '2025-02-13T08:00:00+08:00', aqiLow: 40, aqiHigh: 60 };
    const out = checkForecasts({
      centre: 'jiangsu',
      body: [{ ...base, validDate: '2025-02-12' }, { ...base, validDate: '2025-02-13', colour: 'green' }, null],
      format: 'json',
      cities: CITIES,
      receivedAtMs: RECEIVED_MS,
    });
    expect(out.accepted).toEqual([]);
    expect(out.rejected.map(({ index, code, field }) => [index, code, field])).toEqual([
      [0, 'FORECAST_INVALID', 'validDate'],
      [1, 'FORECAST_INVALID', '(record)'],
      [2, 'FORECAST_INVALID', '(record)'],
    ]);
    expect(out.rejected[0]?.reason).toBe(
      'lead -1 days (validDate 2025-02-12 − issue day 2025-02-13 CST) is outside 0–7',
    );
  });
});
