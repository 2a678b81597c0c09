import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Pollutant } from '../../schemas/pollutant';
import type { FeedAdapter, MappedPage } from '../feed-adapter';
import { clean, cstCompact, cstInstant, makeReading, pageProblem, parseNumber, unitFactor } from './common';
import { pullHourly } from './hourly-pull';

/** Jiangsu: one XML document per hour, HTTP basic auth, flags per item (FEEDS.md §2). */
const ITEMS: Record<string, Pollutant> = { 'PM2.5': 'pm25', PM10: 'pm10', O3: 'o3', NO2: 'no2', SO2: 'so2', CO: 'co' };
/** `N` is valid; B maintenance, H insufficient data, C calibration, M manually invalidated … are not. */
const VALID_FLAG = 'N';
const RECORD_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})$/;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['Station', 'Record', 'Item'].includes(name),
});

type Attrs = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function recordTime(s: string): string | undefined {
  const m = RECORD_TIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h] = m.map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24) return undefined;
  return cstInstant(y, mo, d, h); // hour 24 rolls over to the next day's 00:00
}

export const jsXml: FeedAdapter = {
  format: 'js-xml',

  pull: (feed, from, ctx) => pullHourly(feed, from, ctx, (hourMs) => `AirData.xml?time=${cstCompact(hourMs)}`),

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    const text = Buffer.from(page.body).toString('utf8');
    const valid = XMLValidator.validate(text);
    if (valid !== true) return { readings: [], problems: [pageProblem(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`, page.body)] };
    const doc = parser.parse(text) as { AirQualityData?: Attrs & { Station?: Attrs[] } };
    const root = doc.AirQualityData;
    if (!root) return { readings: [], problems: [pageProblem('no AirQualityData element', page.body)] };
    const publishedAt = str(root.publishTime) && !Number.isNaN(Date.parse(str(root.publishTime))) ? str(root.publishTime) : undefined;
    let index = 0;
    for (const st of root.Station ?? []) {
      const station = str(st.code);
      for (const rec of (st.Record as Attrs[] | undefined) ?? []) {
        const i = index++;
        const record = JSON.stringify({ station, ...rec });
        const time = recordTime(str(rec.time));
        if (time === undefined) {
          out.problems.push({ index: i, station, field: 'Record.time', reason: `time "${str(rec.time)}" is not yyyyMMddHH`, record });
          continue;
        }
        for (const item of (rec.Item as Attrs[] | undefined) ?? []) {
          const name = str(item.name);
          const pollutant = ITEMS[name];
          if (!pollutant) continue; // AQI and other derived items are not readings
          const flag = str(item.flag);
          const unit = str(item.unit);
          const raw = str(item.value);
          const base = { station, pollutant, time, sourceFlag: flag, sourceValid: flag === VALID_FLAG, publishedAt };
          if (raw.trim() === '') {
            out.readings.push(makeReading({ ...base, value: null, missingReason: 'empty value attribute' }, ctx));
            continue;
          }
          const value = parseNumber(raw);
          const factor = unitFactor(pollutant, unit);
          if (value === undefined) out.problems.push({ index: i, station, pollutant, time, field: `Item[${name}].value`, reason: `"${raw}" is not a number`, record });
          else if (factor === undefined) out.problems.push({ index: i, station, pollutant, time, field: `Item[${name}].unit`, reason: `unknown unit "${unit}"`, record });
          else out.readings.push(makeReading({ ...base, value: clean(value * factor), ...(factor !== 1 ? { originalUnit: unit } : {}) }, ctx));
        }
      }
    }
    return out;
  },
};
