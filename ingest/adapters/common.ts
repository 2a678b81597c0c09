import type { Pollutant } from '../../schemas/pollutant';
import { CANONICAL_UNIT } from '../../schemas/pollutant';
import type { Reading } from '../../schemas/reading';
import type { MapContext, RecordProblem } from '../feed-adapter';

/** China Standard Time is UTC+8 all year (no daylight saving). */
const CST_OFFSET_MS = 8 * 3_600_000;
export const HOUR_MS = 3_600_000;

/** An hour-ending instant for a CST calendar hour; hour 24 (or 0 of the next day) rolls over. */
export function cstInstant(year: number, month: number, day: number, hour: number): string {
  const ms = Date.UTC(year, month - 1, day, hour) - CST_OFFSET_MS;
  return toCstIso(ms);
}

/** Epoch ms as ISO 8601 in CST with its offset: 2025-03-01T01:00:00+08:00. */
export function toCstIso(ms: number): string {
  return `${new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** yyyyMMddHH of a CST hour, as Jiangsu and Zhejiang name their hourly documents. */
export function cstCompact(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 13).replace(/[-T]/g, '');
}

export const floorHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Where a pull starts: the watermark (or the feed's start, or now) minus the look-back window. */
export function pullStartMs(watermarkTime: string | undefined, startAt: string | undefined, lookbackHours: number, nowMs: number): number {
  const base = watermarkTime ? Date.parse(watermarkTime) : startAt ? Date.parse(startAt) : floorHour(nowMs);
  return floorHour(base) - lookbackHours * HOUR_MS;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number as the centres write it, or undefined. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** Unit spellings seen in the feeds, and what multiplies a value into µg/m³. */
const TO_UG: Record<string, number> = { 'µg/m³': 1, 'μg/m³': 1, 'ug/m3': 1, 'µg/m3': 1, 'μg/m3': 1, 'mg/m³': 1000, 'mg/m3': 1000 };

/** Factor converting a value in `unit` to the pollutant's canonical unit, or undefined if unknown. */
export function unitFactor(pollutant: Pollutant, unit: string): number | undefined {
  const toUg = TO_UG[unit.trim()];
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

/** Fills in what every adapter sets the same way: unit, status, source, arrival. */
export function makeReading(f: ReadingFields, ctx: MapContext): Reading {
  return {
    station: f.station,
    pollutant: f.pollutant,
    time: f.time,
    value: f.value,
    unit: CANONICAL_UNIT[f.pollutant],
    ...(f.originalUnit !== undefined ? { originalUnit: f.originalUnit } : {}),
    ...(f.missingReason !== undefined ? { missingReason: f.missingReason } : {}),
    ...(f.sourceFlag !== undefined ? { sourceFlag: f.sourceFlag } : {}),
    sourceValid: f.sourceValid ?? true,
    status: ctx.status ?? 'provisional',
    source: { kind: ctx.sourceKind, id: ctx.sourceId, ...(f.publishedAt ? { publishedAt: f.publishedAt } : {}) },
    arrivedAt: ctx.arrivedAt,
  };
}

export function pageProblem(reason: string, body: Uint8Array): RecordProblem {
  return { index: -1, field: '(page)', reason, record: Buffer.from(body.subarray(0, 500)).toString('utf8') };
}

/** Reads a fetch response body, refusing anything but 200 (404 is handled by the caller). */
export async function bodyOf(res: Response, feed: string, url: string): Promise<Uint8Array> {
  if (!res.ok) throw new Error(`feed ${feed}: GET ${url} answered ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
