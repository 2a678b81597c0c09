import { AppError, CST_OFFSET_MS, cstWallClockMs, DependencyError, floorHour, HOUR_MS, toCstIso } from '../../kernel';
import { type Pollutant, CANONICAL_UNIT, type Reading } from '../../schemas';
import type { MapContext, RecordProblem } from '../feed-adapter';

/**
 * The hour-ending instant of a CST calendar hour label, or undefined when the label is not a real
 * one: month 1–12, a day the month has (no 30 February rolled into March), hour 0–24 — 24 being
 * the end of the day's last hour, the same instant as 00 of the next day (docs/feeds.md introduction).
 */
export function cstHourEnding(year: number, month: number, day: number, hour: number): string | undefined {
  if (![year, month, day, hour].every(Number.isInteger) || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 24)
    return undefined;
  const midnight = new Date(Date.UTC(year, month - 1, day));
  if (midnight.getUTCMonth() !== month - 1 || midnight.getUTCDate() !== day) return undefined;
  return toCstIso(cstWallClockMs(year, month, day, hour));
}

/** yyyyMMddHH of a CST hour, as Jiangsu and Zhejiang name their hourly documents. */
export function cstCompact(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

/**
 * Where a pull starts: the watermark (or the feed's start, or now) minus the look-back window, so
 * late and corrected values of the last `lookbackHours` are read again. A watermark that is not an
 * instant stops the pull with the feed's name rather than silently reading nothing.
 */
export function pullStartMs(
  watermarkTime: string | undefined,
  startAt: string | undefined,
  lookbackHours: number,
  nowMs: number,
  feedName = '?',
): number {
  const text = watermarkTime || startAt;
  const base = text ? Date.parse(text) : floorHour(nowMs);
  if (Number.isNaN(base))
    throw new AppError(
      'CONFIG_INVALID',
      `feed ${feedName}: ${watermarkTime ? 'watermark' : 'startAt'} ${JSON.stringify(text)} is not an instant`,
    );
  return floorHour(base) - lookbackHours * HOUR_MS;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number as the centres write it, or undefined. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** Unit spellings seen in the feeds, and what multiplies a value into µg/m³. */
const TO_UG: Record<string, number> = {
  'µg/m³': 1,
  'μg/m³': 1,
  'ug/m3': 1,
  'µg/m3': 1,
  'μg/m3': 1,
  'mg/m³': 1000,
  'mg/m3': 1000,
};

/** Factor converting a value in `unit` to the pollutant's canonical unit, or undefined if unknown. */
export function unitFactor(pollutant: Pollutant, unit: string): number | undefined {
  const toUg = Object.hasOwn(TO_UG, unit.trim()) ? TO_UG[unit.trim()] : undefined; // not `toString` & co.
  if (toUg === undefined) return undefined;
  return CANONICAL_UNIT[pollutant] === 'mg/m³' ? toUg / 1000 : toUg;
}

/** Rounds away binary noise a unit conversion adds (700 µg/m³ × 0.001 = 0.7000000000000001). */
export const clean = (v: number): number => Number(v.toPrecision(12));

export interface ReadingFields {
  station: string;
  pollutant: Pollutant;
  time: string;
  value: number | null;
  missingReason?: string;
  sourceFlag?: string;
  sourceValid?: boolean;
  originalUnit?: string;
  publishedAt?: string;
}

/**
 * A reading builder for one page: status, source and arrival are the same for all its records, so
 * they are worked out once (an archive file makes ~250,000 readings; the source object is shared).
 */
export function readingMaker(
  ctx: MapContext,
  publishedAt?: string,
): (f: Omit<ReadingFields, 'publishedAt'>) => Reading {
  const status = ctx.status ?? 'provisional';
  const source: Reading['source'] = publishedAt
    ? { kind: ctx.sourceKind, id: ctx.sourceId, publishedAt }
    : { kind: ctx.sourceKind, id: ctx.sourceId };
  return (f) => {
    const r: Reading = {
      station: f.station,
      pollutant: f.pollutant,
      time: f.time,
      value: f.value,
      unit: CANONICAL_UNIT[f.pollutant],
      sourceValid: f.sourceValid ?? true,
      status,
      source,
      arrivedAt: ctx.arrivedAt,
    };
    if (f.originalUnit !== undefined) r.originalUnit = f.originalUnit;
    if (f.missingReason !== undefined) r.missingReason = f.missingReason;
    if (f.sourceFlag !== undefined) r.sourceFlag = f.sourceFlag;
    return r;
  };
}

/** Fills in what every adapter sets the same way: unit, status, source, arrival. */
export function makeReading(f: ReadingFields, ctx: MapContext): Reading {
  return readingMaker(ctx, f.publishedAt)(f);
}

/** A page that cannot be decoded at all; `body` as decoded text where the bytes are not UTF-8. */
export function pageProblem(reason: string, body: Uint8Array | string): RecordProblem {
  const record = typeof body === 'string' ? body.slice(0, 500) : Buffer.from(body.subarray(0, 500)).toString('utf8');
  return { index: -1, field: '(page)', reason, record };
}

/** Reads a fetch response body, refusing anything but 200 (404 is handled by the caller). */
export async function bodyOf(res: Response, feed: string, url: string): Promise<Uint8Array> {
  if (!res.ok)
    throw new DependencyError(
      'FEED_HTTP_FAILED',
      'feed',
      `feed ${feed}: GET ${url} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
      false,
    );
  return new Uint8Array(await res.arrayBuffer());
}
