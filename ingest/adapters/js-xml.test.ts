import { describe, expect, it } from 'vitest';
import { feedCtx, fixture, row } from '../../test/helpers/fixtures';
import { jsXml } from './js-xml';

describe('js-xml adapter (FEEDS.md §2)', () => {
  const out = jsXml.toReadings({ label: 'h', body: fixture('js-xml-2025030101.xml') }, feedCtx());

  it('maps items with their flags: only N is valid, the value is kept either way', () => {
    expect(out.readings.filter((r) => r.station === '1151A').map((r) => [...row(r), r.sourceFlag])).toEqual([
      ['1151A', 'pm25', '2025-02-28T17:00:00.000Z', 41, true, 'N'],
      ['1151A', 'co', '2025-02-28T17:00:00.000Z', 0.7, true, 'N'],
      ['1151A', 'o3', '2025-02-28T17:00:00.000Z', null, false, 'B'],
      ['1151A', 'no2', '2025-02-28T17:00:00.000Z', 33, false, 'H'],
    ]);
    expect(out.readings.find((r) => r.pollutant === 'o3')?.missingReason).toBe('empty value attribute');
  });

  it('keeps the publication time and skips AQI', () => {
    expect(out.readings[0]?.source.publishedAt).toBe('2025-03-01T01:05:00+08:00');
    expect(out.readings.some((r) => (r.pollutant as string) === 'aqi')).toBe(false);
  });

  it('converts CO sent in ug/m3 to mg/m³ and notes the unit it came in', () => {
    const co = out.readings.find((r) => r.station === '1152A' && r.pollutant === 'co');
    expect([co?.value, co?.unit, co?.originalUnit]).toEqual([0.8, 'mg/m³', 'ug/m3']);
  });

  it('reports a bad value and a bad record time, keeping the rest', () => {
    expect(out.problems.map((p) => [p.index, p.station, p.field, p.reason])).toEqual([
      [1, '1152A', 'Item[SO2].value', '"x9" is not a number'],
      [2, '1152A', 'Record.time', 'time "20250301XX" is not yyyyMMddHH'],
    ]);
    expect(out.readings.filter((r) => r.station === '1152A').map((r) => r.pollutant)).toEqual(['pm10', 'co']);
  });

  it('refuses a document that is not XML', () => {
    expect(jsXml.toReadings({ label: 'x', body: Buffer.from('<AirQualityData><Station>') }, feedCtx()).problems[0]?.reason).toMatch(/^not well-formed XML/);
  });
});
