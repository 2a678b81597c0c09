import { describe, expect, it } from 'vitest';
import type { Forecast, ForecastCategory, Province, Station } from '../../schemas';
import { consult } from './consultation';

const station = (code: string, city: string, province: Province, lon: number, lat: number): Station => ({
  code,
  name: code,
  city,
  countyCity: '',
  province,
  lon,
  lat,
  control: false,
  stopped: false,
});

// Two stations for 上海 (centroid 121.45, 31.25), one each elsewhere.
const STATIONS: Station[] = [
  station('S1', '上海', 'shanghai', 121.4, 31.2),
  station('S2', '上海', 'shanghai', 121.5, 31.3),
  station('J1', '苏州', 'jiangsu', 120.6, 31.3),
  station('Z1', '嘉兴', 'zhejiang', 120.75, 30.75),
  station('A1', '合肥', 'anhui', 117.25, 31.85),
];

const fc = (
  city: string,
  source: string,
  issuedAt: string,
  aqiLow: number,
  aqiHigh: number,
  category: ForecastCategory,
): Forecast => ({
  city,
  province: '',
  source,
  issuedAt,
  issueDay: issuedAt.slice(0, 10),
  validDate: '2025-02-13',
  lead: 1,
  aqiLow,
  aqiHigh,
  category,
  primary: [],
  pm25: null,
  o3_mda8: null,
  centre: source,
  receivedAt: issuedAt,
});

const FORECASTS: Forecast[] = [
  fc('上海', 'shanghai', '2025-02-12T08:00:00.000Z', 40, 60, '良'),
  fc('上海', 'yrd-joint', '2025-02-12T09:00:00.000Z', 60, 80, '良'),
  fc('苏州', 'jiangsu', '2025-02-12T08:00:00.000Z', 130, 170, '中度污染'),
  fc('苏州', 'yrd-joint', '2025-02-12T09:00:00.000Z', 90, 110, '轻度污染'),
  // Zhejiang's issue two days ahead, then its later issue: the later one is taken.
  fc('嘉兴', 'zhejiang', '2025-02-11T08:00:00.000Z', 20, 40, '优'),
  fc('嘉兴', 'zhejiang', '2025-02-12T08:00:00.000Z', 160, 200, '中度污染'),
  fc('合肥', 'anhui', '2025-02-12T08:00:00.000Z', 210, 250, '重度污染'),
];

/** Great-circle distance by the spherical law of cosines (a second method beside the haversine), km. */
function cosinesKm(a: [number, number], b: [number, number]): number {
  const r = Math.PI / 180;
  const [lon1, lat1] = a;
  const [lon2, lat2] = b;
  const c =
    Math.sin(lat1 * r) * Math.sin(lat2 * r) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r);
  return 6371 * Math.acos(Math.min(1, c));
}

describe('consult: the consultation table of a day', () => {
  it('sets each source’s latest issue side by side with the range, spread, consensus and disagreement', () => {
    const out = consult(FORECASTS, STATIONS, { validDate: '2025-02-13', distanceKm: 150 });
    const rows = Object.fromEntries(
      out.cities.map((c) => [
        c.city,
        [
          c.forecasts.map((f) => `${f.source} ${f.aqiLow}-${f.aqiHigh}`),
          c.low,
          c.high,
          c.midpointSpread,
          c.consensus,
          c.categoryDisagreement,
        ],
      ]),
    );
    expect(rows).toEqual({
      // midpoints 50 and 70: spread 20, mean 60 → 良; both 良.
      上海: [['shanghai 40-60', 'yrd-joint 60-80'], 40, 80, 20, '良', false],
      // midpoints 150 and 100: spread 50, mean 125 → 轻度污染; 中度 against 轻度.
      苏州: [['jiangsu 130-170', 'yrd-joint 90-110'], 90, 170, 50, '轻度污染', true],
      // one source: midpoint 180 → 中度污染.
      嘉兴: [['zhejiang 160-200'], 160, 200, 0, '中度污染', false],
      // midpoint 230 → 重度污染.
      合肥: [['anhui 210-250'], 210, 250, 0, '重度污染', false],
    });
  });

  it('flags neighbours of different provinces two or more categories apart, within the distance only', () => {
    const near = consult(FORECASTS, STATIONS, { validDate: '2025-02-13', distanceKm: 150 });
    // 上海 良 (1) and 嘉兴 中度 (3): two apart, about 90 km. 上海–苏州 and 苏州–嘉兴 are one apart;
    // 合肥 is more than 300 km from all.
    expect(near.neighbourFlags.map((f) => [f.cities, f.consensus, f.categoriesApart])).toEqual([
      [['上海', '嘉兴'], ['良', '中度污染'], 2],
    ]);
    expect(near.neighbourFlags[0]?.distanceKm).toBeCloseTo(cosinesKm([121.45, 31.25], [120.75, 30.75]), 6);
    expect(near.neighbourFlags[0]?.distanceKm).toBeLessThan(150);
    // Within 500 km 合肥 (重度, 4) is also flagged against 上海 (3 apart) and 苏州 (轻度, 2 apart), not 嘉兴 (1).
    const far = consult(FORECASTS, STATIONS, { validDate: '2025-02-13', distanceKm: 500 });
    expect(far.neighbourFlags.map((f) => `${f.cities.join('–')} ${f.categoriesApart}`).sort()).toEqual(
      ['上海–合肥 3', '上海–嘉兴 2', '合肥–苏州 2'].sort(),
    );
  });
});
