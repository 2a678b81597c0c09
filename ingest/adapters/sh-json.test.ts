import { describe, expect, it } from 'vitest';
import { feedCtx, fixture, row } from '../../test/helpers/fixtures';
import { shJson } from './sh-json';

describe('sh-json adapter (FEEDS.md §1)', () => {
  const out = shJson.toReadings({ label: 'p1', body: fixture('sh-json-page1.json') }, feedCtx());

  it('maps string values to readings at the hour-ending instant, CST → UTC', () => {
    expect(out.readings.filter((r) => r.station === '1141A').map(row)).toEqual([
      ['1141A', 'pm25', '2025-02-28T17:00:00.000Z', 35, true],
      ['1141A', 'pm10', '2025-02-28T17:00:00.000Z', 52, true],
      ['1141A', 'o3', '2025-02-28T17:00:00.000Z', 40, true],
      ['1141A', 'no2', '2025-02-28T17:00:00.000Z', 30, true],
      ['1141A', 'so2', '2025-02-28T17:00:00.000Z', 8, true],
      ['1141A', 'co', '2025-02-28T17:00:00.000Z', 0.6, true],
    ]);
    expect(out.readings[0]).toMatchObject({ unit: 'µg/m³', time: '2025-03-01T01:00:00+08:00', status: 'provisional', source: { kind: 'feed', id: 'test-feed' } });
    expect(out.readings.find((r) => r.pollutant === 'co')?.unit).toBe('mg/m³');
  });

  it('turns "—", "" and "-99" into missing values with the marker as reason', () => {
    const missing = out.readings.filter((r) => r.station === '1142A' && r.value === null);
    expect(missing.map((r) => [r.pollutant, r.missingReason])).toEqual([
      ['pm25', '"—" (missing marker)'],
      ['pm10', '"" (missing marker)'],
      ['o3', '"-99" (missing marker)'],
    ]);
  });

  it('reports a non-number with the record, field and reason, and keeps the rest of the record', () => {
    expect(out.problems).toEqual([
      expect.objectContaining({ index: 1, station: '1142A', pollutant: 'so2', field: 'SO2', reason: '"abc" is not a number' }),
    ]);
    expect(out.readings.filter((r) => r.station === '1142A').map((r) => r.pollutant)).toEqual(['pm25', 'pm10', 'o3', 'no2', 'co']);
  });

  it('takes hour 24 as 00:00 of the next day', () => {
    expect(out.readings.find((r) => r.station === '1143A')?.time).toBe('2025-03-02T00:00:00+08:00');
  });

  it('skips the derived AQI and primary pollutant', () => {
    expect(out.readings).toHaveLength(6 + 5 + 1);
  });

  it('reports a bad time and an error envelope', () => {
    const p2 = shJson.toReadings({ label: 'p2', body: fixture('sh-json-page2.json') }, feedCtx());
    expect(p2.problems.map((p) => [p.index, p.field, p.reason])).toEqual([[0, 'time', 'time "2025-03-01 02:00" is not "yyyy-MM-dd HH:00:00"']]);
    const err = shJson.toReadings({ label: 'e', body: fixture('sh-json-error.json') }, feedCtx());
    expect(err.problems.map((p) => [p.index, p.field, p.reason])).toEqual([[-1, '(page)', 'the feed answered code 401: invalid api key']]);
    const junk = shJson.toReadings({ label: 'j', body: Buffer.from('<html>') }, feedCtx());
    expect(junk.problems[0]?.reason).toMatch(/^not JSON/);
  });
});
