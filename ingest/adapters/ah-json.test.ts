import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedCtx, fixture } from '../../test/helpers/fixtures';
import { ahJson } from './ah-json';
import { byteInputs, jsonBytes, mapsCleanly } from './fuzz.testkit';

/** A reading written out by hand (feedCtx: provisional feed "test-feed"). */
const reading = (
  station: string,
  pollutant: string,
  time: string,
  value: number | null,
  more: Record<string, unknown> = {},
) => ({
  station,
  pollutant,
  time,
  value,
  unit: pollutant === 'co' ? 'mg/m³' : 'µg/m³',
  sourceValid: true,
  status: 'provisional',
  source: { kind: 'feed', id: 'test-feed' },
  arrivedAt: '2025-03-01T01:20:00.000Z',
  ...more,
});
const valid = { sourceFlag: 'valid' };
const invalid = { sourceFlag: 'invalid', sourceValid: false };
const pages = [fixture('ah-json-page1.json'), fixture('ah-json-page2.json'), fixture('ah-json-page3.json')];
const map = (i: number) => ahJson.toReadings({ label: `p${i}`, body: pages[i] as Buffer }, feedCtx());

describe('ah-json adapter (docs/feeds.md §4)', () => {
  it('reads UTC, converts CO from µg/m³ to mg/m³ and keeps valid as a flag', () => {
    expect(map(0).readings).toStrictEqual([
      // 2025-02-28T17:00:00Z is 01:00 CST on 1 March.
      reading('1270A', 'pm25', '2025-03-01T01:00:00+08:00', 38, valid),
      // 700 µg/m³ of CO is 0.7 mg/m³.
      reading('1270A', 'co', '2025-03-01T01:00:00+08:00', 0.7, { ...valid, originalUnit: 'µg/m³' }),
      reading('1271A', 'o3', '2025-03-01T01:00:00+08:00', null, { ...invalid, missingReason: 'val is null' }),
    ]);
    expect(Date.parse(map(0).readings[0]?.time ?? '')).toBe(Date.parse('2025-02-28T17:00:00Z'));
  });

  it('reports an unknown param, an off-hour ts and a string value with their index and field', () => {
    expect(map(0).problems.map((p) => [p.index, p.station, p.pollutant, p.field, p.reason])).toEqual([
      [3, '1271A', undefined, 'param', 'unknown pollutant "pm1"'],
      [4, '1271A', 'no2', 'ts', 'ts "2025-02-28T17:30:00Z" is not an hour in UTC like 2025-02-28T17:00:00Z'],
      [5, '1271A', 'so2', 'val', '"7" is not a number'],
    ]);
    expect(JSON.parse(map(0).problems[0]?.record ?? '')).toMatchObject({ site: '1271A', param: 'pm1' });
  });

  it('keeps a re-published item (a correction) as another revision, CO already in mg/m³ as it is', () => {
    expect(map(1).readings).toStrictEqual([
      reading('1270A', 'pm25', '2025-03-01T02:00:00+08:00', 41, valid),
      reading('1270A', 'pm25', '2025-03-01T01:00:00+08:00', 39, valid),
      reading('1272A', 'co', '2025-03-01T02:00:00+08:00', 1.1, valid),
    ]);
    expect(map(1).problems.map((p) => [p.index, p.field])).toEqual([
      [3, 'unit'],
      [4, 'ts'],
    ]);
    expect(map(1).problems[1]?.reason).toContain('"2025-03-01 02:00:00"');
  });

  it('takes an invalid item and an item without valid as the source says', () => {
    expect(map(2).readings).toStrictEqual([
      reading('1270A', 'co', '2025-03-01T03:00:00+08:00', 0.65, { ...invalid, originalUnit: 'µg/m³' }),
      reading('1272A', 'o3', '2025-03-01T03:00:00+08:00', 88),
    ]);
  });

  it('turns a page that is not an observations page into one page problem', () => {
    for (const body of ['{"items":', '{"data":[]}', 'null']) {
      const out = ahJson.toReadings({ label: 'x', body: Buffer.from(body) }, feedCtx());
      expect(out.readings).toEqual([]);
      expect(out.problems.map((p) => [p.index, p.field])).toEqual([[-1, '(page)']]);
    }
  });
});

describe('ah-json toReadings never throws (fast-check)', () => {
  it.each(Object.entries(byteInputs(pages)))('on %s', (_name, bytes) => {
    fc.assert(
      fc.property(bytes, (body) => mapsCleanly(ahJson, body)),
      { numRuns: 300 },
    );
  });

  it('on pages of arbitrary items', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 24 }),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('pm25', 'co', '2025-02-28T17:00:00Z', 'µg/m³'),
    );
    const item = fc.oneof(
      fc.object(),
      fc.dictionary(fc.constantFrom('site', 'param', 'ts', 'val', 'unit', 'valid', 'constructor'), field),
    );
    fc.assert(
      fc.property(
        jsonBytes(fc.record({ items: fc.array(item, { maxLength: 8 }), next: fc.option(fc.string()) })),
        (body) => mapsCleanly(ahJson, body),
      ),
      { numRuns: 300 },
    );
  });
});
