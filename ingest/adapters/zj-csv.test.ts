import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { feedCtx, fixture } from '../../test/helpers/fixtures';
import { byteInputs, mapsCleanly } from './fuzz.testkit';
import { zjCsv } from './zj-csv';

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
const H01 = '2025-03-01T01:00:00+08:00';
const H02 = '2025-03-01T02:00:00+08:00';
/** Fixtures written by test/fixtures/feeds/make-zj-csv.ts, in GB18030 as the centre sends them. */
const h01 = fixture('zj_2025030101.csv');
const h02 = fixture('zj_2025030102.csv');

describe('zj-csv adapter (docs/feeds.md §3)', () => {
  const out = zjCsv.toReadings({ label: 'h', body: h01 }, feedCtx());

  it('is fed GB18030 bytes, not UTF-8', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(h01)).toThrow();
    // 站 is D5BE in GB18030 (E7AB99 in UTF-8); ³ takes GB18030's four-byte form 81308536.
    expect(h01.subarray(0, 2).toString('hex')).toBe('d5be');
    expect(h01.includes(Buffer.from('81308536', 'hex'))).toBe(true);
  });

  it('maps the Chinese columns exactly: empty cells null, 24:00 the next day, the 合计 row skipped', () => {
    expect(out.readings).toStrictEqual([
      reading('1223A', 'pm25', H01, 28),
      reading('1223A', 'pm10', H01, 45),
      reading('1223A', 'o3', H01, 60),
      reading('1223A', 'no2', H01, 35),
      reading('1223A', 'so2', H01, 6),
      reading('1223A', 'co', H01, 0.5),
      reading('1224A', 'pm25', H01, null, { missingReason: 'empty cell' }),
      reading('1224A', 'pm10', H01, 47),
      reading('1224A', 'no2', H01, 36),
      reading('1224A', 'so2', H01, 7),
      reading('1224A', 'co', H01, 0.6),
      reading('1225A', 'pm25', '2025-03-02T00:00:00+08:00', 30),
      reading('1225A', 'pm10', '2025-03-02T00:00:00+08:00', 44),
      reading('1225A', 'o3', '2025-03-02T00:00:00+08:00', 61),
      reading('1225A', 'no2', '2025-03-02T00:00:00+08:00', 34),
      reading('1225A', 'so2', '2025-03-02T00:00:00+08:00', 6),
      reading('1225A', 'co', '2025-03-02T00:00:00+08:00', 0.5),
    ]);
  });

  it('reports a non-number with its row, station, column and the row as text', () => {
    expect(out.problems).toEqual([
      {
        index: 1,
        station: '1224A',
        pollutant: 'o3',
        time: H01,
        field: 'O3(μg/m³)',
        reason: '"abc" is not a number',
        record: '1224A,和睦小学,杭州,2025/3/1 1:00,,47,abc,36,7,0.6,,',
      },
    ]);
  });

  it('keeps the good rows of a file with a stray quote and an impossible date', () => {
    const out2 = zjCsv.toReadings({ label: 'h', body: h02 }, feedCtx());
    expect(out2.readings).toStrictEqual([
      reading('1223A', 'pm25', H02, 26),
      reading('1223A', 'pm10', H02, 44),
      reading('1223A', 'o3', H02, 58),
      reading('1223A', 'no2', H02, 33),
      reading('1223A', 'so2', H02, 6),
      reading('1223A', 'co', H02, 0.5),
    ]);
    expect(out2.problems.map((p) => [p.index, p.station, p.field])).toEqual([
      [1, undefined, '(row)'],
      [2, '1225A', '时间'],
    ]);
    expect(out2.problems[0]?.reason).toMatch(/^not a CSV row: .*quote/i);
    expect(out2.problems[1]?.reason).toBe('time "2025/2/30 2:00" is not like 2025/3/1 1:00');
  });

  it('refuses the file read as UTF-8 or without the Chinese header as one page problem', () => {
    const utf8 = Buffer.from(iconv.decode(h01, 'gb18030'), 'utf8');
    const wrong = zjCsv.toReadings({ label: 'u', body: utf8 }, feedCtx());
    expect(wrong.readings).toEqual([]);
    expect(wrong.problems.map((p) => [p.index, p.field])).toEqual([[-1, '(page)']]);
    expect(wrong.problems[0]?.reason).toMatch(/^header lacks 站点编码 or 时间/);
  });
});

describe('zj-csv toReadings never throws (fast-check)', () => {
  it.each(Object.entries(byteInputs([h01, h02])))('on %s', (_name, bytes) => {
    fc.assert(
      fc.property(bytes, (body) => mapsCleanly(zjCsv, body)),
      { numRuns: 300 },
    );
  });

  it('on rows of arbitrary cells under the real header', () => {
    const header = iconv.decode(h01, 'gb18030').split('\r\n')[0] ?? '';
    const rows = fc.array(
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 14 }).map((cells) => cells.join(',')),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(rows, (lines) => mapsCleanly(zjCsv, iconv.encode([header, ...lines].join('\n'), 'gb18030'))),
      { numRuns: 300 },
    );
  });
});
