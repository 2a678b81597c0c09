import { describe, expect, it } from 'vitest';
import type { Station, StationListVersion } from '../../schemas/station';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { cityDays, citiesOf, meanOfCities, YRD31 } from './areas';
import type { StationDay } from './stats-queries';

const st = (code: string, city: string, province: Station['province'], control = false): Station => ({
  code,
  name: code,
  city,
  countyCity: '',
  province,
  lon: 120,
  lat: 31,
  control,
  stopped: false,
});
const day = (station: string, d: string, value: number | null, valid = true): StationDay => ({
  station,
  day: d,
  statistic: 'pm25',
  value,
  nValid: 24,
  valid,
  converted: false,
  exceedanceException: false,
  nAudited: 0,
});

const v2022: StationListVersion = {
  version: 'v2022',
  validFrom: '2022-01-01',
  stations: [
    st('A1', '南京', 'jiangsu'),
    st('A2', '南京', 'jiangsu'),
    st('A3', '南京', 'jiangsu', true),
    st('B1', '苏州', 'jiangsu'),
    st('C1', '上海', 'shanghai'),
  ],
};
const v2024: StationListVersion = {
  version: 'v2024',
  validFrom: '2024-01-01',
  stations: [st('A1', '南京', 'jiangsu'), st('B1', '苏州', 'jiangsu'), st('C1', '上海', 'shanghai')],
};
const versionAt = (d: string) => (d >= '2024-01-01' ? v2024 : v2022);

describe('city, province and region daily values (docs/standards.md §3.3)', () => {
  const days = [
    day('A1', '2023-06-01', 30),
    day('A2', '2023-06-01', 50),
    day('A3', '2023-06-01', 10),
    day('B1', '2023-06-01', 20),
    day('C1', '2023-06-01', 60),
    day('A2', '2024-06-01', 90),
    day('A1', '2024-06-01', 40),
    day('B1', '2023-06-02', 99, false),
  ];

  it("averages a city's valid stations, leaving control sites out unless asked", () => {
    const cities = cityDays(days, versionAt);
    expect(cities.find((c) => c.area === '南京' && c.day === '2023-06-01')).toMatchObject({ value: 40, n: 2 }); // (30 + 50)/2
    expect(
      cityDays(days, versionAt, { includeControl: true }).find((c) => c.area === '南京' && c.day === '2023-06-01'),
    ).toMatchObject({ value: 30, n: 3 });
    expect(cities.some((c) => c.day === '2023-06-02')).toBe(false); // invalid station-days are not averaged
  });

  it('uses the station list in force on each day: A2 left the list in 2024', () => {
    expect(cityDays(days, versionAt).find((c) => c.area === '南京' && c.day === '2024-06-01')).toMatchObject({
      value: 40,
      n: 1,
    });
  });

  it('averages cities, not stations, for a province and the region', () => {
    const cities = cityDays(days, versionAt);
    const jiangsu = meanOfCities('jiangsu', cities, (c) => citiesOf(v2022, 'jiangsu').has(c));
    expect(jiangsu.find((r) => r.day === '2023-06-01')).toMatchObject({ value: 30, n: 2 }); // (南京 40 + 苏州 20)/2
    const yrd = meanOfCities('yrd', cities, () => true);
    expect(yrd.find((r) => r.day === '2023-06-01')).toMatchObject({ value: 40, n: 3 }); // (40 + 20 + 60)/3
  });

  it("knows the region's 41 cities and the 31 of the 2023 plan", () => {
    const all = new Set(bundledVersion().stations.map((s) => s.city));
    expect(all.size).toBe(41);
    expect(YRD31).toHaveLength(31);
    for (const c of YRD31) expect(all.has(c), c).toBe(true);
  });
});
