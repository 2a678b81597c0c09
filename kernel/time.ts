import { boundedMemo } from './memo';

/**
 * Time as the Yangtze River Delta keeps it. Instants are epoch milliseconds; a natural day is a
 * `YYYY-MM-DD` calendar day in China Standard Time (UTC+8 all year, no daylight saving).
 *
 * Hourly values are labelled by the end of their hour (hour-ending): the value at D 01:00 covers
 * 00:00–01:00 and is label 1 of D; the one at D+1 00:00 covers D 23:00–24:00 and is label 24 of
 * D, not label 0 of D+1. So natural day D is the hour-ending instants D 01:00 … D+1 00:00.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** China Standard Time's offset from UTC. */
export const CST_OFFSET_MS = 8 * HOUR_MS;

/** Instants from `fromMs` included to `toMs` excluded. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/**
 * Epoch milliseconds of an ISO instant, remembered: a batch holds thousands of readings of a few
 * dozen hours, and Date.parse was a visible share of the processor's time (tools/bench/run.ts).
 */
export const timeMs = boundedMemo((iso: string): number => Date.parse(iso));

/** The instant natural day `day` (YYYY-MM-DD) begins: its 00:00 CST (NaN where Date.parse cannot read it). */
export const cstMidnightMs = (day: string): number => Date.parse(`${day}T00:00:00+08:00`);

/** The instant of a CST wall-clock hour; `month` 1–12, `hour` 0–24 (24:00 is the next day's 00:00). */
export const cstWallClockMs = (year: number, month: number, day: number, hour: number): number =>
  Date.UTC(year, month - 1, day, hour) - CST_OFFSET_MS;

/** The CST calendar day an instant falls on, as YYYY-MM-DD (D+1 00:00 falls on D+1). */
export const cstDayOf = (ms: number): string => new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);

/** The natural day an hour-ending instant's value belongs to: D+1 00:00 is label 24 of D. */
export const hourEndingDayOf = (hourEndingMs: number): string => cstDayOf(hourEndingMs - HOUR_MS);

/** The hour label 1–24 of an hour-ending instant: D 01:00 is 1, D+1 00:00 is 24 (never 0). */
export const hourLabelOf = (hourEndingMs: number): number => new Date(hourEndingMs + CST_OFFSET_MS).getUTCHours() || 24;

/** The instants of natural days `fromDay` to `toDay`, both included: [fromDay 00:00, toDay+1 00:00). */
export const cstDaysRange = (fromDay: string, toDay: string): TimeRange => ({
  fromMs: cstMidnightMs(fromDay),
  toMs: cstMidnightMs(toDay) + DAY_MS,
});

/**
 * The hour-ending instants of natural days `fromDay` to `toDay`, both included (labels 1–24 of
 * each): [fromDay 01:00, toDay+1 01:00).
 */
export const hourEndingDaysRange = (fromDay: string, toDay: string): TimeRange => ({
  fromMs: cstMidnightMs(fromDay) + HOUR_MS,
  toMs: cstMidnightMs(toDay) + DAY_MS + HOUR_MS,
});

/** The calendar day `n` days after `day` (before, for a negative `n`), YYYY-MM-DD. */
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Days from 1970-01-01 to `day` (YYYY-MM-DD): the difference of two is the days between them. */
export const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/** The day number ({@link dayNumber}) of the CST calendar day an instant falls on. */
export const cstDayNumberOf = (ms: number): number => Math.floor((ms + CST_OFFSET_MS) / DAY_MS);

/** The whole hour at or before an instant (CST and UTC hours coincide: the offset is whole hours). */
export const floorHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** The whole hours in [fromMs, toMs): the first one and how many (none for an empty range). */
export function hoursIn(range: TimeRange): { firstMs: number; hours: number } {
  const firstMs = Math.ceil(range.fromMs / HOUR_MS) * HOUR_MS;
  return { firstMs, hours: Math.max(0, Math.ceil((range.toMs - firstMs) / HOUR_MS)) };
}

/** An instant as ISO 8601 in CST with its offset, to the second: 2025-03-01T01:00:00+08:00. */
export const toCstIso = (ms: number): string => `${new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
