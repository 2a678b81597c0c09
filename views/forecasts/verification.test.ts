import { describe, expect, it } from 'vitest';
import { addDays } from '../../kernel';
import type { AqiResponse, Forecast, StationListVersion } from '../../schemas';
import { forecastVerification } from './verification-view';
import { verifyForecasts } from './verification';

const fc = (validDate: string, issueDay: string, lead: number, aqiLow: number, aqiHigh: number): Forecast => ({
  city: 'A',
  province: 'shanghai',
  source: 's',
  issuedAt: `${issueDay}T08:00:00.000Z`,
  issueDay,
  validDate,
  lead,
  aqiLow,
  aqiHigh,
  category: '良',
  primary: ['pm25'],
  pm25: null,
  o3_mda8: null,
  centre: 'shanghai',
  receivedAt: `${issueDay}T08:00:00.000Z`,
});

const LIST: StationListVersion = {
  version: 'test',
  validFrom: '2000-01-01',
  stations: [
    {
      code: 'X1',
      name: 'x',
      city: 'A',
      countyCity: '',
      province: 'shanghai',
      lon: 121,
      lat: 31,
      control: false,
      stopped: false,
    },
  ],
} as StationListVersion;

const day = (aqi: number): AqiResponse['results'][number] => ({
  area: 'A',
  aqi,
  iaqi: {},
  primary: ['pm25'],
  category: null,
  concentrations: {},
  missing: [],
  partial: false,
  withheld: false,
});

describe('verifyForecasts', () => {
  it('counts no forecast whose valid date has no observed AQI', () => {
    expect(verifyForecasts([fc('2025-02-10', '2025-02-10', 0, 40, 60)], new Map())).toEqual([]);
  });

  it('scores against a climatology handed in: 1 − MAE / MAE of the reference', () => {
    const observed = new Map([['A|2025-02-10', { aqi: 80, primary: ['pm25'] }]]);
    // Midpoint 70 against 80: error 10; climatology 75: error 5 → 1 − 10 / 5 = −1.
    const [row] = verifyForecasts(
      [fc('2025-02-10', '2025-02-10', 0, 60, 80)],
      observed,
      new Map([['A|2025-02-10', 75]]),
    );
    expect(row?.climatology).toEqual({ referenceMae: 5, forecastMae: 10, score: -1, n: 1 });
    // No observed day before the issue day: no persistence.
    expect(row?.persistence).toEqual({ referenceMae: null, forecastMae: null, score: null, n: 0 });
  });
});

describe('forecastVerification (stubbed forecast source and observed days)', () => {
  it('takes climatology from validDate ± 7 days in the three earlier years, and persistence from the day before the issue day', async () => {
    const aqiOn: Record<string, number> = {
      '2025-02-10': 80,
      '2025-02-09': 60, // the day before the issue day (lead 0)
      '2024-02-03': 50, // 7 days before 2024-02-10: inside the window
      '2024-02-17': 70, // 7 days after: inside
      '2024-02-18': 999, // 8 days after: outside
      '2023-02-10': 90,
      '2021-02-10': 999, // four years earlier: outside
    };
    const asked: string[] = [];
    const out = await forecastVerification(
      {
        forecasts: { inForce: async () => [fc('2025-02-10', '2025-02-10', 0, 60, 80)] },
        observedDays: async (fromDay, toDay) => {
          const days = new Map<string, AqiResponse['results']>();
          for (let d = fromDay; d <= toDay; d = addDays(d, 1)) {
            asked.push(d);
            const aqi = aqiOn[d];
            if (aqi !== undefined) days.set(d, [day(aqi)]);
          }
          return days;
        },
        versionAt: async () => LIST,
      },
      { level: 'region', id: 'yrd', from: '2025-02-10', to: '2025-02-10' },
    );
    const row = out.results[0];
    // Climatology (50 + 70 + 90) / 3 = 70: error |70 − 80| = 10, the forecast's midpoint 70 also 10 → 0.
    expect(row?.climatology).toEqual({ referenceMae: 10, forecastMae: 10, score: 0, n: 1 });
    // Persistence 60: error 20 → 1 − 10 / 20 = 0.5.
    expect(row?.persistence).toEqual({ referenceMae: 20, forecastMae: 10, score: 0.5, n: 1 });
    expect(asked).not.toContain('2021-02-10');
    expect(asked).toContain('2022-02-17');
  });

  it('refuses a reversed or too long window, and an unknown area', async () => {
    const deps = {
      forecasts: { inForce: async () => [] },
      observedDays: async () => new Map(),
      versionAt: async () => LIST,
    };
    await expect(
      forecastVerification(deps, { level: 'region', id: 'yrd', from: '2025-02-10', to: '2025-02-09' }),
    ).rejects.toMatchObject({ code: 'QUERY_INVALID_RANGE' });
    await expect(
      forecastVerification(deps, { level: 'region', id: 'yrd', from: '2024-01-01', to: '2025-01-01' }),
    ).rejects.toMatchObject({ code: 'QUERY_INVALID_RANGE' });
    await expect(
      forecastVerification(deps, { level: 'city', id: 'B', from: '2025-02-10', to: '2025-02-10' }),
    ).rejects.toMatchObject({ code: 'QUERY_UNKNOWN_AREA' });
  });
});
