import { parse } from 'csv-parse/sync';
import type { Pollutant } from '../../schemas';
import type { FeedAdapter, MapContext, MappedPage } from '../feed-adapter';
import { cstHourEnding, pageProblem, parseNumber, readingMaker } from './common';

/**
 * The national archive CSV (docs/feeds.md §5): one file per day, `date,hour,type,<station codes…>`.
 * Only the six hourly types are readings; the `_24h`, `_8h` and `AQI` rows are the publisher's
 * derived values. `hour` is the CNEMC label, the END of the averaging hour: hour 0 of file date D
 * is D 00:00 CST, i.e. label 24 of D−1. Units: µg/m³, CO mg/m³ (canonical already). Empty cells
 * are absent values and produce no reading: a file has ~2,000 station columns.
 */
const HOURLY_TYPES = new Map<string, Pollutant>([
  ['PM2.5', 'pm25'],
  ['PM10', 'pm10'],
  ['SO2', 'so2'],
  ['NO2', 'no2'],
  ['O3', 'o3'],
  ['CO', 'co'],
]);
/** The publisher's derived rows: skipped before they are even parsed (they are ~60 % of a file). */
const DERIVED_TYPES = new Set([
  'AQI',
  'PM2.5_24h',
  'PM10_24h',
  'SO2_24h',
  'NO2_24h',
  'O3_24h',
  'O3_8h',
  'O3_8h_24h',
  'CO_24h',
]);
const HEADER_START = ['date', 'hour', 'type'];
const DATE = /^(\d{4})(\d{2})(\d{2})$/;
/** Lines handed to the CSV parser at once; ~16 × 2,000 cells keeps a streamed chunk small. */
const PARSE_BATCH_LINES = 16;
/** Readings per streamed chunk, as the backfill publishes them. */
export const ARCHIVE_CHUNK_READINGS = 50_000;

/** The `type` field of an unquoted archive line, without parsing the ~2,000 cells after it. */
function lineType(line: string): string {
  const a = line.indexOf(',');
  const b = a < 0 ? -1 : line.indexOf(',', a + 1);
  const c = b < 0 ? -1 : line.indexOf(',', b + 1);
  return b < 0 ? '' : line.slice(b + 1, c < 0 ? undefined : c);
}

/**
 * Maps an archive line by line, so a whole file (`toReadings`) and a stream (`readArchive`) share
 * one code path. The archive never quotes a field (no real file holds a quote), so a line is a
 * record; the lines still go through csv-parse, in batches, and a line it cannot read becomes that
 * line's problem. `index` in a
 * problem is the data line (0 = the first line after the header; blank lines are not counted).
 */
function createLineMapper(ctx: MapContext): {
  push(line: string): void;
  mapped(): number;
  drain(): MappedPage;
  finish(): MappedPage;
} {
  const make = readingMaker(ctx);
  let out: MappedPage = { readings: [], problems: [] };
  let stations: string[] | undefined;
  let broken = false;
  let index = -1;
  let pending: { index: number; text: string }[] = [];

  function mapRow(row: string[], i: number, text: string): void {
    const type = row[2] ?? '';
    const pollutant = HOURLY_TYPES.get(type);
    if (!pollutant) {
      if (!DERIVED_TYPES.has(type))
        out.problems.push({
          index: i,
          field: 'type',
          reason: `unknown row type "${type}"`,
          record: text.slice(0, 200),
        });
      return;
    }
    const d = DATE.exec(row[0] ?? '');
    const hour = /^\d{1,2}$/.test(row[1] ?? '') ? Number(row[1]) : NaN;
    // Hours 0–23 (docs/feeds.md §5); 24, should it appear, is the same instant as 0 of the next day.
    const time: string | undefined = d ? cstHourEnding(Number(d[1]), Number(d[2]), Number(d[3]), hour) : undefined;
    if (time === undefined) {
      out.problems.push({
        index: i,
        pollutant,
        field: 'date/hour',
        reason: `date "${row[0]}" hour "${row[1]}" is not yyyyMMdd and an hour 0–24`,
        record: text.slice(0, 200),
      });
      return;
    }
    const names = stations as string[];
    for (let c = 3; c < row.length; c++) {
      const cell = row[c] as string;
      if (cell === '') continue;
      const station = names[c - 3];
      const value = parseNumber(cell);
      if (!station) {
        out.problems.push({
          index: i,
          pollutant,
          time,
          field: `column ${c + 1}`,
          reason: `value "${cell}" in a column without a station code`,
          record: `${row.slice(0, 3).join(',')},…,${cell}`,
        });
      } else if (value === undefined) {
        out.problems.push({
          index: i,
          station,
          pollutant,
          time,
          field: station,
          reason: `"${cell}" is not a number`,
          record: `${row.slice(0, 3).join(',')},${station}=${cell}`,
        });
      } else {
        out.readings.push(make({ station, pollutant, time, value }));
      }
    }
  }

  function parsePending(): void {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    let rows: string[][] | undefined;
    try {
      rows = parse(batch.map((l) => l.text).join('\n'), { relax_column_count: true }) as string[][];
    } catch {
      rows = undefined; // one bad line: parse the batch line by line below to find it
    }
    if (rows?.length === batch.length) {
      rows.forEach((row, k) => mapRow(row, (batch[k] as { index: number }).index, (batch[k] as { text: string }).text));
      return;
    }
    for (const line of batch) {
      try {
        mapRow((parse(line.text, { relax_column_count: true }) as string[][])[0] ?? [], line.index, line.text);
      } catch (err) {
        out.problems.push({
          index: line.index,
          field: '(row)',
          reason: `not a CSV row: ${(err as Error).message}`,
          record: line.text.slice(0, 200),
        });
      }
    }
  }

  function readHeader(line: string): void {
    let header: string[] = [];
    try {
      header = (parse(line, { relax_column_count: true, bom: true }) as string[][])[0] ?? [];
    } catch {
      // reported below as a header that is not the archive's
    }
    if (HEADER_START.some((h, i) => (header[i] ?? '').trim() !== h)) {
      broken = true;
      out.problems.push(pageProblem(`header does not start with date,hour,type: ${line.slice(0, 80)}`, line));
      return;
    }
    // Trailing empty header cells (one real file ends every line with six commas) name no station.
    stations = header.slice(3).map((c) => c.trim());
  }

  function drain(): MappedPage {
    const done = out;
    out = { readings: [], problems: [] };
    return done;
  }

  return {
    push(raw: string): void {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (broken || line.trim() === '') return;
      if (stations === undefined) return readHeader(line.replace(/^\uFEFF/, ''));
      index++;
      const type = lineType(line);
      if (DERIVED_TYPES.has(type)) return;
      pending.push({ index, text: line });
      if (pending.length >= PARSE_BATCH_LINES) parsePending();
    },
    /** Readings mapped and not yet drained. */
    mapped: () => out.readings.length,
    /** What is mapped so far (lines still in a parse batch stay for the next call). */
    drain,
    /** The end of the input: the last batch, and a file without even a header is a page problem. */
    finish(): MappedPage {
      parsePending();
      if (stations === undefined && !broken) {
        broken = true;
        out.problems.push(pageProblem('no header line: the file is empty', ''));
      }
      return drain();
    },
  };
}

export const cnemcArchive: FeedAdapter = {
  format: 'cnemc-archive',

  toReadings(page, ctx): MappedPage {
    const mapper = createLineMapper(ctx);
    // UTF-8 (docs/feeds.md §5); TextDecoder drops a BOM. Lines end in CRLF or LF depending on the year.
    for (const line of new TextDecoder('utf-8').decode(page.body).split('\n')) mapper.push(line);
    return mapper.finish();
  },

  stream: (source, ctx, chunkReadings) => readArchive(source, ctx, chunkReadings),
};

/**
 * Streams an archive file — e.g. `readArchive(createReadStream(path), ctx)` — as mapped chunks of
 * about `chunkReadings` readings, so years of files are backfilled in bounded memory. Chunks come
 * out in file order; problem indexes count data lines through the whole file.
 */
export async function* readArchive(
  source: AsyncIterable<Uint8Array | string>,
  ctx: MapContext,
  chunkReadings: number = ARCHIVE_CHUNK_READINGS,
): AsyncGenerator<MappedPage> {
  const mapper = createLineMapper(ctx);
  const decoder = new TextDecoder('utf-8'); // drops a BOM; `stream` keeps a character cut between chunks
  let carry = '';
  for await (const chunk of source) {
    const lines = (carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      mapper.push(line);
      if (mapper.mapped() >= chunkReadings) yield mapper.drain();
    }
  }
  mapper.push(carry + decoder.decode());
  const last = mapper.finish();
  if (last.readings.length > 0 || last.problems.length > 0) yield last;
}
