import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Pollutant } from '../../schemas';
import type { FeedAdapter, MappedPage } from '../feed-adapter';
import { clean, cstCompact, cstHourEnding, pageProblem, parseNumber, readingMaker, unitFactor } from './common';
import { pullHourly } from './hourly-pull';

/** Jiangsu: one XML document per hour, HTTP basic auth, flags per item (docs/feeds.md §2). */
const ITEMS: Record<string, Pollutant> = { 'PM2.5': 'pm25', PM10: 'pm10', O3: 'o3', NO2: 'no2', SO2: 'so2', CO: 'co' };
/** Items the centre derives from the hourly values: not readings, skipped without a problem. */
const DERIVED_ITEMS = new Set([
  'AQI',
  'PrimaryPollutant',
  'O3_8h',
  'PM2.5_24h',
  'PM10_24h',
  'SO2_24h',
  'NO2_24h',
  'CO_24h',
  'O3_24h',
  'O3_8h_24h',
]);
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

/** `yyyyMMddHH` in CST, the hour-ending label; hour 24 is the next day's 00:00. */
function recordTime(s: string): string | undefined {
  const m = RECORD_TIME.exec(s.trim());
  return m ? cstHourEnding(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])) : undefined;
}

export const jsXml: FeedAdapter = {
  format: 'js-xml',

  pull: (feed, from, ctx) => pullHourly(feed, from, ctx, (hourMs) => `AirData.xml?time=${cstCompact(hourMs)}`),

  toReadings(page, ctx): MappedPage {
    const out: MappedPage = { readings: [], problems: [] };
    const text = Buffer.from(page.body).toString('utf8');
    const valid = XMLValidator.validate(text);
    if (valid !== true)
      return {
        readings: [],
        problems: [pageProblem(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`, page.body)],
      };
    let doc: { AirQualityData?: Attrs & { Station?: Attrs[] } };
    try {
      doc = parser.parse(text) as typeof doc;
    } catch (err) {
      return { readings: [], problems: [pageProblem(`not readable XML: ${(err as Error).message}`, page.body)] };
    }
    const root = doc.AirQualityData;
    if (root === undefined || root === null)
      return { readings: [], problems: [pageProblem('no AirQualityData element', page.body)] };
    // publishTime is when the centre published the document (source.publishedAt), not the hour.
    const publishTime = str(root.publishTime);
    const publishedAt =
      /(Z|[+-]\d{2}:\d{2})$/.test(publishTime) && !Number.isNaN(Date.parse(publishTime)) ? publishTime : undefined;
    const make = readingMaker(ctx, publishedAt);
    // `index` counts Record elements through the document, the unit a problem points at.
    let index = 0;
    for (const st of root.Station ?? []) {
      const station = str(st.code).trim();
      for (const rec of (st.Record as Attrs[] | undefined) ?? []) {
        const i = index++;
        const record = JSON.stringify({ station, ...rec });
        if (station === '') {
          out.problems.push({
            index: i,
            field: 'Station.code',
            reason: 'the Station element has no code attribute',
            record,
          });
          continue;
        }
        const time = recordTime(str(rec.time));
        if (time === undefined) {
          out.problems.push({
            index: i,
            station,
            field: 'Record.time',
            reason: `time "${str(rec.time)}" is not yyyyMMddHH`,
            record,
          });
          continue;
        }
        for (const item of (rec.Item as Attrs[] | undefined) ?? []) {
          const name = str(item.name);
          const pollutant = Object.hasOwn(ITEMS, name) ? ITEMS[name] : undefined;
          if (!pollutant) {
            if (!DERIVED_ITEMS.has(name))
              out.problems.push({
                index: i,
                station,
                time,
                field: 'Item.name',
                reason: `unknown item "${name}"`,
                record,
              });
            continue;
          }
          const flag = str(item.flag);
          const unit = str(item.unit);
          const raw = str(item.value);
          // A missing flag attribute says nothing against the value: valid unless flagged otherwise.
          const base =
            item.flag === undefined
              ? { station, pollutant, time }
              : { station, pollutant, time, sourceFlag: flag, sourceValid: flag === VALID_FLAG };
          if (raw.trim() === '') {
            out.readings.push(
              make({
                ...base,
                value: null,
                missingReason: item.value === undefined ? 'no value attribute' : 'empty value attribute',
              }),
            );
            continue;
          }
          const value = parseNumber(raw);
          const factor = unitFactor(pollutant, unit);
          if (value === undefined)
            out.problems.push({
              index: i,
              station,
              pollutant,
              time,
              field: `Item[${name}].value`,
              reason: `"${raw}" is not a number`,
              record,
            });
          else if (factor === undefined)
            out.problems.push({
              index: i,
              station,
              pollutant,
              time,
              field: `Item[${name}].unit`,
              reason: `unknown unit "${unit}"`,
              record,
            });
          else
            out.readings.push(
              make({ ...base, value: clean(value * factor), ...(factor !== 1 ? { originalUnit: unit } : {}) }),
            );
        }
      }
    }
    return out;
  },
};
