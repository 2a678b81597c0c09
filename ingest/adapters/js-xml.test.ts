import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedCtx, fixture } from '../../test/helpers/fixtures';
import { byteInputs, mapsCleanly } from './fuzz.testkit';
import { jsXml } from './js-xml';

/** A reading written out by hand: provisional, from feed "test-feed", published at `publishedAt`. */
const reading =
  (publishedAt: string) =>
  (station: string, pollutant: string, time: string, value: number | null, more: Record<string, unknown> = {}) => ({
    station,
    pollutant,
    time,
    value,
    unit: pollutant === 'co' ? 'mg/m³' : 'µg/m³',
    sourceValid: true,
    status: 'provisional',
    source: { kind: 'feed', id: 'test-feed', publishedAt },
    arrivedAt: '2025-03-01T01:20:00.000Z',
    ...more,
  });
const H01 = '2025-03-01T01:00:00+08:00';

describe('js-xml adapter (docs/feeds.md §2)', () => {
  const out = jsXml.toReadings({ label: 'h', body: fixture('js-xml-2025030101.xml') }, feedCtx());
  const r = reading('2025-03-01T01:05:00+08:00');

  it('maps the items with their flags (only N is valid), CO in mg/m³, AQI skipped', () => {
    expect(out.readings).toStrictEqual([
      r('1151A', 'pm25', H01, 41, { sourceFlag: 'N' }),
      r('1151A', 'co', H01, 0.7, { sourceFlag: 'N' }),
      // flag B (maintenance) with an empty value: kept, null, not valid for statistics.
      r('1151A', 'o3', H01, null, { sourceFlag: 'B', sourceValid: false, missingReason: 'empty value attribute' }),
      r('1151A', 'no2', H01, 33, { sourceFlag: 'H', sourceValid: false }),
      r('1152A', 'pm10', H01, 70, { sourceFlag: 'N' }),
      // 800 ug/m3 of CO is 0.8 mg/m³.
      r('1152A', 'co', H01, 0.8, { sourceFlag: 'N', originalUnit: 'ug/m3' }),
    ]);
  });

  it('reports a bad value and a bad record time, keeping the rest', () => {
    expect(out.problems.map((p) => [p.index, p.station, p.pollutant, p.time, p.field, p.reason])).toEqual([
      [1, '1152A', 'so2', H01, 'Item[SO2].value', '"x9" is not a number'],
      [2, '1152A', undefined, undefined, 'Record.time', 'time "20250301XX" is not yyyyMMddHH'],
    ]);
    expect(JSON.parse(out.problems[1]?.record ?? '')).toMatchObject({ station: '1152A', time: '20250301XX' });
  });

  it('takes an absent value attribute as missing, skips O3_8h and reports an unknown item', () => {
    const h02 = jsXml.toReadings({ label: 'h', body: fixture('js-xml-2025030102.xml') }, feedCtx());
    const r2 = reading('2025-03-01T02:06:00+08:00');
    expect(h02.readings).toStrictEqual([
      r2('1151A', 'pm25', '2025-03-01T02:00:00+08:00', 45, { sourceFlag: 'N' }),
      r2('1151A', 'so2', '2025-03-01T02:00:00+08:00', null, {
        sourceFlag: 'C',
        sourceValid: false,
        missingReason: 'no value attribute',
      }),
    ]);
    expect(h02.problems.map((p) => [p.index, p.field, p.reason])).toEqual([[0, 'Item.name', 'unknown item "PM1"']]);
  });

  it('refuses a document that is not XML, or not the Jiangsu document, as one page problem', () => {
    const broken = jsXml.toReadings({ label: 'x', body: Buffer.from('<AirQualityData><Station>') }, feedCtx());
    expect(broken.readings).toEqual([]);
    expect(broken.problems.map((p) => [p.index, p.field])).toEqual([[-1, '(page)']]);
    expect(broken.problems[0]?.reason).toMatch(/^not well-formed XML/);
    expect(jsXml.toReadings({ label: 'x', body: Buffer.from('<html/>') }, feedCtx()).problems[0]?.reason).toBe(
      'no AirQualityData element',
    );
  });
});

describe('js-xml toReadings never throws (fast-check)', () => {
  const seeds = [fixture('js-xml-2025030101.xml'), fixture('js-xml-2025030102.xml')];
  it.each(Object.entries(byteInputs(seeds)))('on %s', (_name, bytes) => {
    fc.assert(
      fc.property(bytes, (body) => mapsCleanly(jsXml, body)),
      { numRuns: 300 },
    );
  });

  it('on documents of arbitrary attribute values', () => {
    const attr = fc.string({ maxLength: 12 }).map((s) => s.replace(/[<>&"]/g, ''));
    const item = fc
      .tuple(attr, attr, attr, attr)
      .map(([n, v, u, f]) => `<Item name="${n}" value="${v}" unit="${u}" flag="${f}"/>`);
    const doc = fc
      .tuple(attr, attr, fc.array(item, { maxLength: 5 }))
      .map(
        ([code, time, items]) =>
          `<AirQualityData><Station code="${code}"><Record time="${time}">${items.join('')}</Record></Station></AirQualityData>`,
      );
    fc.assert(
      fc.property(doc, (xml) => mapsCleanly(jsXml, Buffer.from(xml))),
      { numRuns: 300 },
    );
  });
});
