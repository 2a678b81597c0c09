import { describe, expect, it } from 'vitest';
import { feedCtx, fixture, row } from '../../test/helpers/fixtures';
import { zjCsv } from './zj-csv';

describe('zj-csv adapter (FEEDS.md §3)', () => {
  const bytes = fixture('zj_2025030101.csv');
  const out = zjCsv.toReadings({ label: 'h', body: bytes }, feedCtx());

  it('decodes GB18030 bytes (the file is not UTF-8)', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(out.readings.length).toBeGreaterThan(0);
  });

  it('maps the Chinese columns, with CO in mg/m³ and 2025/3/1 1:00 as CST', () => {
    expect(out.readings.filter((r) => r.station === '1223A').map(row)).toEqual([
      ['1223A', 'pm25', '2025-02-28T17:00:00.000Z', 28, true],
      ['1223A', 'pm10', '2025-02-28T17:00:00.000Z', 45, true],
      ['1223A', 'o3', '2025-02-28T17:00:00.000Z', 60, true],
      ['1223A', 'no2', '2025-02-28T17:00:00.000Z', 35, true],
      ['1223A', 'so2', '2025-02-28T17:00:00.000Z', 6, true],
      ['1223A', 'co', '2025-02-28T17:00:00.000Z', 0.5, true],
    ]);
  });

  it('turns empty cells into missing values and reports a non-number', () => {
    expect(out.readings.find((r) => r.station === '1224A' && r.pollutant === 'pm25')).toMatchObject({ value: null, missingReason: 'empty cell' });
    expect(out.problems.map((p) => [p.index, p.station, p.field, p.reason])).toEqual([[1, '1224A', 'O3(μg/m³)', '"abc" is not a number']]);
  });

  it('skips the 合计 summary row silently and takes 24:00 as the next day', () => {
    expect(out.readings.some((r) => r.station.includes('合计'))).toBe(false);
    expect(new Set(out.readings.map((r) => r.station))).toEqual(new Set(['1223A', '1224A', '1225A']));
    expect(out.readings.find((r) => r.station === '1225A')?.time).toBe('2025-03-02T00:00:00+08:00');
  });
});
