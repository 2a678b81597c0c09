import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeReadings } from '../../bus';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { createClickHouseStatsQueries } from '../../infra/clickhouse/stats.clickhouse';
import { createProcessor } from '../../processing';
import type { StationDay } from '../../views/stats/stats-queries';
import type { Pollutant } from '../../schemas/pollutant';
import type { Reading } from '../../schemas/reading';
import { silentLogger } from '../helpers/logger';
import { aReading } from '../helpers/readings';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
let store: TestStore;
let days: StationDay[];

/** Hour-ending instant of label `l` (1–24) of natural day `day` (CST). */
const at = (day: string, label: number): string =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + label * HOUR).toISOString();
const hours = (
  station: string,
  pollutant: Pollutant,
  day: string,
  labels: number[],
  valueOf: (l: number) => number,
): Reading[] => labels.map((l) => aReading({ station, pollutant, time: at(day, l), value: valueOf(l) }));
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

beforeAll(async () => {
  store = await openTestStore();
  const readings = [
    ...hours('S20', 'pm25', '2025-03-01', range(1, 20), (l) => l),
    ...hours('S19', 'pm25', '2025-03-01', range(1, 19), (l) => l),
    ...hours('L24', 'pm25', '2025-03-01', range(1, 24), (l) => (l === 24 ? 58 : 10)),
    ...hours('M14', 'o3', '2025-07-01', range(1, 19), () => 100),
    ...hours('M13', 'o3', '2025-07-01', range(1, 18), () => 100),
    ...hours('MEX', 'o3', '2025-07-01', range(1, 18), () => 200),
    ...hours('MAX', 'o3', '2025-07-01', range(1, 24), (l) => 10 * l),
    ...hours(
      'GAP',
      'o3',
      '2025-07-01',
      range(1, 24).filter((l) => l !== 2 && l !== 3),
      (l) => 10 * (25 - l),
    ),
    ...hours('OLD', 'no2', '2018-08-31', range(1, 24), () => 100),
    ...hours('OLD', 'pm25', '2018-08-31', range(1, 24), () => 100),
    // O3 on the last day before the amendment, 12 hours of 170: 7 valid 8-h windows (ending at
    // labels 8…14; the one ending at 14 holds 6 hours), so MDA8 stands only by the exceedance
    // exception, which looks at the converted value 170 × 273.15/298.15 = 155.7 — not over 160.
    ...hours('OLD', 'o3', '2018-08-31', range(1, 12), () => 170),
    // and the first day after it: not converted
    ...hours('OLD', 'o3', '2018-09-01', range(1, 24), () => 100),
  ];
  const processor = createProcessor({
    source: { run: async () => {}, stop: async () => {} },
    store: createClickHouseReadingStore(store),
    deadLetters: { publish: async () => {} },
    logger: silentLogger(),
  });
  await processor.handleBatch({
    topic: 't',
    partition: 0,
    messages: encodeReadings(readings).map((m, i) => ({ ...m, partition: 0, offset: String(i) })),
  });
  days = await createClickHouseStatsQueries(store).stationDaily({
    stations: ['S20', 'S19', 'L24', 'M14', 'M13', 'MEX', 'MAX', 'GAP', 'OLD'],
    fromDay: '2018-08-30',
    toDay: '2025-07-02',
  });
});
afterAll(async () => store?.dispose());

const find = (station: string, statistic: string, day: string) =>
  days.find((d) => d.station === station && d.statistic === statistic && d.day === day);

describe('station daily statistics (docs/standards.md §2), hand-computed (stubbed source)', () => {
  it('a 24-h mean needs 20 valid hours: 20 is valid, 19 is not', () => {
    expect(find('S20', 'pm25', '2025-03-01')).toMatchObject({ value: 10.5, nValid: 20, valid: true }); // (1+…+20)/20
    expect(find('S19', 'pm25', '2025-03-01')).toMatchObject({ value: 10, nValid: 19, valid: false }); // (1+…+19)/19
  });

  it('the hour labelled 24 (stamped 00:00 of the next day) belongs to the previous day', () => {
    expect(find('L24', 'pm25', '2025-03-01')).toMatchObject({ value: 12, nValid: 24, valid: true }); // (23·10 + 58)/24
    expect(find('L24', 'pm25', '2025-03-02')).toBeUndefined();
  });

  it('MDA8 needs 14 of the 17 windows: hours 1–19 give 14 windows, hours 1–18 give 13', () => {
    // Window e (8…24) holds labels e−7…e; with hours 1…k present it is valid (≥ 6) for e ≤ k + 2: k − 5 windows.
    expect(find('M14', 'o3_mda8', '2025-07-01')).toMatchObject({
      value: 100,
      nValid: 14,
      valid: true,
      exceedanceException: false,
    });
    expect(find('M13', 'o3_mda8', '2025-07-01')).toMatchObject({ value: 100, nValid: 13, valid: false });
  });

  it('keeps an MDA8 from too few windows when it exceeds 160 (the exceedance exception)', () => {
    expect(find('MEX', 'o3_mda8', '2025-07-01')).toMatchObject({
      value: 200,
      nValid: 13,
      valid: true,
      exceedanceException: true,
    });
  });

  it('takes the largest 8-h mean of the day and the daily max 1-h', () => {
    // O3 = 10·label: window e averages 10·(e−3.5); the largest, e = 24, is 205.
    expect(find('MAX', 'o3_mda8', '2025-07-01')).toMatchObject({ value: 205, nValid: 17, valid: true });
    expect(find('MAX', 'o3_1h_max', '2025-07-01')).toMatchObject({ value: 240, nValid: 24 });
  });

  it('averages an 8-h window over its valid hours only', () => {
    // O3 = 10·(25 − label), labels 2 and 3 missing. Window 8 holds labels 1, 4…8: (240 + 210 + 200
    // + 190 + 180 + 170)/6 = 198.33, the day's largest (window 9: labels 4…9, 185; later ones fall).
    // Every window keeps ≥ 6 hours, so all 17 count.
    expect(find('GAP', 'o3_mda8', '2025-07-01')?.value).toBeCloseTo(1190 / 6, 9);
    expect(find('GAP', 'o3_mda8', '2025-07-01')).toMatchObject({ nValid: 17, valid: true });
    expect(find('GAP', 'o3_1h_max', '2025-07-01')).toMatchObject({ value: 240, nValid: 22, valid: true });
  });

  it('converts gases before 2018-09-01 to the reference state, and not particles', async () => {
    expect(find('OLD', 'no2', '2018-08-31')?.value).toBeCloseTo((100 * 273.15) / 298.15, 6);
    expect(find('OLD', 'no2', '2018-08-31')?.converted).toBe(true);
    expect(find('OLD', 'pm25', '2018-08-31')).toMatchObject({ value: 100, converted: false });
    const raw = await createClickHouseStatsQueries(store).stationDaily({
      stations: ['OLD'],
      fromDay: '2018-08-31',
      toDay: '2018-08-31',
      referenceState: false,
    });
    expect(raw.find((d) => d.statistic === 'no2')).toMatchObject({ value: 100, converted: false });
    // O3 is a gas: converted, and the exceedance exception judged on the converted MDA8
    const k = 273.15 / 298.15;
    expect(find('OLD', 'o3_1h_max', '2018-08-31')).toMatchObject({ nValid: 12, valid: false, converted: true });
    expect(find('OLD', 'o3_1h_max', '2018-08-31')?.value).toBeCloseTo(170 * k, 9);
    expect(find('OLD', 'o3_mda8', '2018-08-31')).toMatchObject({
      nValid: 7,
      valid: false,
      exceedanceException: false,
      converted: true,
    });
    expect(find('OLD', 'o3_mda8', '2018-08-31')?.value).toBeCloseTo(170 * k, 9);
    expect(raw.find((d) => d.statistic === 'o3_mda8')).toMatchObject({
      value: 170,
      nValid: 7,
      valid: true,
      exceedanceException: true,
      converted: false,
    });
    expect(find('OLD', 'o3_mda8', '2018-09-01')).toMatchObject({
      value: 100,
      nValid: 17,
      valid: true,
      converted: false,
    });
    expect(find('OLD', 'o3_1h_max', '2018-09-01')).toMatchObject({ value: 100, converted: false });
  });
});
