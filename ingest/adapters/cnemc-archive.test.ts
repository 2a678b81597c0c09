import { createReadStream, existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedCtx, fixture } from '../../test/helpers/fixtures';
import { SHARED_DATA_DIR } from '../../test/helpers/shared-data';
import type { MappedPage } from '../feed-adapter';
import { cnemcArchive, readArchive } from './cnemc-archive';
import { byteInputs, mapsCleanly } from './fuzz.testkit';

const HOURLY = new Set(['PM2.5', 'PM10', 'SO2', 'NO2', 'O3', 'CO']);
const ctx = {
  sourceId: 'china_sites_20230121.csv',
  sourceKind: 'backfill',
  arrivedAt: '2025-03-01T00:00:00.000Z',
} as const;

/** Counts non-empty hourly cells under a named station column with plain string splits. */
function countCells(text: string): number {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',');
  let n = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (!HOURLY.has(cells[2] ?? '')) continue;
    for (let i = 3; i < cells.length; i++) if (cells[i] !== '' && (header[i] ?? '') !== '') n++;
  }
  return n;
}

/** A backfilled reading written out by hand. */
const reading = (station: string, pollutant: string, time: string, value: number) => ({
  station,
  pollutant,
  time,
  value,
  unit: pollutant === 'co' ? 'mg/m³' : 'µg/m³',
  sourceValid: true,
  status: 'provisional',
  source: { kind: 'feed', id: 'test-feed' },
  arrivedAt: '2025-03-01T01:20:00.000Z',
});

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect(pages: AsyncIterable<MappedPage>): Promise<MappedPage & { chunks: number }> {
  const all = { readings: [] as MappedPage['readings'], problems: [] as MappedPage['problems'], chunks: 0 };
  for await (const p of pages) {
    all.readings.push(...p.readings);
    all.problems.push(...p.problems);
    all.chunks++;
  }
  return all;
}

describe('cnemc-archive adapter (docs/feeds.md §5)', () => {
  const body = fixture('cnemc-archive-20250301.csv');
  const out = cnemcArchive.toReadings({ label: 'f', body }, feedCtx());

  it('maps the hourly rows only, one reading per non-empty cell; hour 0 is 00:00 of the file date', () => {
    expect(out.readings).toStrictEqual([
      // hour 0 of 1 March = label 24 of 28 February = 2025-03-01T00:00+08:00; 1142A's empty cell is absent.
      reading('1141A', 'pm25', '2025-03-01T00:00:00+08:00', 31),
      reading('1151A', 'pm25', '2025-03-01T00:00:00+08:00', 42),
      reading('1141A', 'co', '2025-03-01T00:00:00+08:00', 0.6),
      reading('1142A', 'co', '2025-03-01T00:00:00+08:00', 0.7),
      reading('1141A', 'o3', '2025-03-01T23:00:00+08:00', 96),
      reading('1142A', 'o3', '2025-03-01T23:00:00+08:00', 101),
      // An hour 24, were it to appear, is the same instant as hour 0 of the next day.
      reading('1141A', 'so2', '2025-03-02T00:00:00+08:00', 7),
    ]);
  });

  it('reports a non-number cell and a bad date by data line, and keeps the rest', () => {
    expect(out.problems.map((p) => [p.index, p.station, p.pollutant, p.time, p.field, p.reason])).toEqual([
      [5, '1151A', 'o3', '2025-03-01T23:00:00+08:00', '1151A', '"abc" is not a number'],
      [8, undefined, 'pm10', undefined, 'date/hour', 'date "2025031" hour "1" is not yyyyMMdd and an hour 0–24'],
    ]);
  });

  it('refuses a file whose header is not the archive header, or an empty file, as one page problem', () => {
    for (const text of ['a,b,c\n1,2,3', '', '\r\n']) {
      const bad = cnemcArchive.toReadings({ label: 'x', body: Buffer.from(text) }, feedCtx());
      expect(bad.readings).toEqual([]);
      expect(bad.problems.map((p) => [p.index, p.field])).toEqual([[-1, '(page)']]);
    }
  });

  it('streams the same readings and problems, whatever the byte boundaries', async () => {
    // 7-byte pieces cut lines, CRLF pairs and the header anywhere.
    const streamed = await collect(readArchive(chunksOf(body, 7), feedCtx(), 3));
    expect(streamed.readings).toStrictEqual(out.readings);
    expect(streamed.problems).toStrictEqual(out.problems);
  });
});

const REAL_FILES = [
  'china_sites_20230121.csv',
  'china_sites_20230120.csv',
  'china_sites_20180101.csv',
  'china_sites_20170101.csv',
];
const missing = !existsSync(`${SHARED_DATA_DIR}china_sites/${REAL_FILES[0]}`);
const realName = (what: string): string =>
  missing ? `${what} — SKIPPED: the real archive days are not in ${SHARED_DATA_DIR}china_sites/` : what;

describe.skipIf(missing)('cnemc-archive on the real archive days (../shared/data)', () => {
  const path = (file: string): string => `${SHARED_DATA_DIR}china_sites/${file}`;

  // 20230121 ends every line with six empty columns; 20230120 ends with a truncated CO_24h line;
  // 2018 has LF endings, the others CRLF; 2017 has only 19 of 24 hours.
  it.each(REAL_FILES)(realName('emits exactly one reading per non-empty hourly cell of %s'), (file) => {
    const bytes = readFileSync(path(file));
    const mapped = cnemcArchive.toReadings({ label: file, body: bytes }, ctx);
    expect(mapped.problems).toEqual([]);
    expect(mapped.readings).toHaveLength(countCells(bytes.toString('utf8')));
  });

  it(realName('reads spot values of 2023-01-21 as the file holds them (read by hand with cut)'), () => {
    const mapped = cnemcArchive.toReadings({ label: 'f', body: readFileSync(path('china_sites_20230121.csv')) }, ctx);
    const find = (station: string, pollutant: string, time: string) =>
      mapped.readings.filter((r) => r.station === station && r.pollutant === pollutant && r.time === time);
    expect(find('1141A', 'pm25', '2023-01-21T00:00:00+08:00')).toStrictEqual([
      {
        station: '1141A',
        pollutant: 'pm25',
        time: '2023-01-21T00:00:00+08:00',
        value: 20,
        unit: 'µg/m³',
        sourceValid: true,
        status: 'provisional',
        source: { kind: 'backfill', id: 'china_sites_20230121.csv' },
        arrivedAt: ctx.arrivedAt,
      },
    ]);
    expect(find('1001A', 'pm25', '2023-01-21T00:00:00+08:00').map((r) => r.value)).toEqual([32]);
    expect(find('1151A', 'co', '2023-01-21T23:00:00+08:00').map((r) => [r.value, r.unit])).toEqual([[0.3, 'mg/m³']]);
    expect(find('1141A', 'o3', '2023-01-21T14:00:00+08:00').map((r) => r.value)).toEqual([92]);
    expect(find('3867A', 'no2', '2023-01-21T05:00:00+08:00').map((r) => r.value)).toEqual([18]);
    // 1013A has no PM2.5 all day: empty cells are absent, not null readings.
    expect(mapped.readings.filter((r) => r.station === '1013A' && r.pollutant === 'pm25')).toEqual([]);
  });

  // Speed is measured by the benchmarks (BENCHMARKS.md), not asserted in tests.
  it(realName('streams a 2 MB day to the same readings as a whole-file read'), async () => {
    const bytes = readFileSync(path('china_sites_20230121.csv'));
    const whole = cnemcArchive.toReadings({ label: 'f', body: bytes }, ctx);
    const streamed = await collect(
      readArchive(createReadStream(path('china_sites_20230121.csv'), { highWaterMark: 64 * 1024 }), ctx),
    );
    expect(streamed.readings).toHaveLength(whole.readings.length);
    expect(streamed.readings.at(-1)).toStrictEqual(whole.readings.at(-1));
    expect(streamed.chunks).toBeGreaterThan(1);
  });
});

describe('cnemc-archive toReadings never throws (fast-check)', () => {
  it.each(Object.entries(byteInputs([fixture('cnemc-archive-20250301.csv')])))('on %s', (_name, bytes) => {
    fc.assert(
      fc.property(bytes, (body) => mapsCleanly(cnemcArchive, body)),
      { numRuns: 300 },
    );
  });

  it('on rows of arbitrary cells under an archive header', () => {
    const cell = fc.oneof(
      fc.constant(''),
      fc.constantFrom('20250301', '0', '23', 'PM2.5', 'CO', 'AQI', '1.5', '"'),
      fc.string({ maxLength: 6 }),
    );
    const rows = fc.array(
      fc.array(cell, { maxLength: 8 }).map((cells) => cells.join(',')),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(rows, (lines) =>
        mapsCleanly(cnemcArchive, Buffer.from(['date,hour,type,1141A,1142A,', ...lines].join('\r\n'))),
      ),
      { numRuns: 300 },
    );
  });
});
