import { describe, expect, it } from 'vitest';
import { feedCtx, fixture, row } from '../../test/helpers/fixtures';
import { ahJson } from './ah-json';

describe('ah-json adapter (FEEDS.md §4)', () => {
  const out = ahJson.toReadings({ label: 'c', body: fixture('ah-json-page1.json') }, feedCtx());

  it('reads UTC timestamps as the instants they are (17:00Z is 01:00 CST)', () => {
    expect(out.readings[0]?.time).toBe('2025-03-01T01:00:00+08:00');
  });

  it('converts CO from µg/m³ to mg/m³, noting the original unit', () => {
    expect(out.readings.map((r) => [...row(r), r.unit, r.originalUnit ?? null])).toEqual([
      ['1270A', 'pm25', '2025-02-28T17:00:00.000Z', 38, true, 'µg/m³', null],
      ['1270A', 'co', '2025-02-28T17:00:00.000Z', 0.7, true, 'mg/m³', 'µg/m³'],
      ['1271A', 'o3', '2025-02-28T17:00:00.000Z', null, false, 'µg/m³', null],
    ]);
  });

  it('reports an unknown param, an off-hour ts and a non-number value', () => {
    expect(out.problems.map((p) => [p.index, p.field])).toEqual([
      [3, 'param'],
      [4, 'ts'],
      [5, 'val'],
    ]);
    expect(out.problems[0]?.reason).toBe('unknown pollutant "pm1"');
  });
});
