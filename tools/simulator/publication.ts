import { cstDayNumberOf, HOUR_MS } from '../../kernel';
import { POLLUTANTS, type Pollutant, type Province, type Station } from '../../schemas';
import type { Model } from './model';
import { keyOf, uniform } from './random';

const MINUTE_MS = 60_000;

/** Which feed format each province's centre publishes (docs/feeds.md). */
export type SimFormat = 'sh-json' | 'js-xml' | 'zj-csv' | 'ah-json';
export const FORMAT_OF: Readonly<Record<Province, SimFormat>> = {
  shanghai: 'sh-json',
  jiangsu: 'js-xml',
  zhejiang: 'zj-csv',
  anhui: 'ah-json',
};

/**
 * Quirk rates, each decided per draw from the seed (so the same seed serves the same quirks):
 * a station-hour missing entirely; a whole station-day outage; one pollutant missing; a value
 * flagged invalid (Jiangsu B/H/C/M, Anhui valid=false); published late; a malformed value;
 * a PM2.5 value re-published later with a new number (a correction).
 */
export const QUIRK_RATES = {
  hourMissing: 0.015,
  dayOutage: 0.004,
  valueMissing: 0.01,
  invalidFlag: 0.01,
  late: 0.03,
  malformed: 0.002,
  correction: 0.01,
} as const;
export const PUBLISH_DELAY_MS = 30 * MINUTE_MS;
export const LATE_DELAY_MS = 3 * HOUR_MS;
export const CORRECTION_DELAY_MS = 6 * HOUR_MS;
const INVALID_FLAGS = ['B', 'H', 'C', 'M'];

export interface PublishedValue {
  pollutant: Pollutant;
  /** Canonical unit (CO mg/m³), rounded as centres publish: integers, CO one decimal. */
  value: number | null;
  /** Jiangsu-style flag: N valid, anything else invalid. */
  flag: string;
  malformed: boolean;
}

export interface PublishedHour {
  station: Station;
  hourMs: number;
  publishedMs: number;
  values: PublishedValue[];
  /** A later re-publication of PM2.5 with a new value, if any. */
  correction?: { publishedMs: number; value: number };
}

const round = (p: Pollutant, v: number): number => (p === 'co' ? Math.round(v * 10) / 10 : Math.round(v));

/** What a centre publishes for one station-hour, and when — undefined when nothing is (outage). */
export function createPublication(seed: number, model: Model) {
  const cache = new Map<string, PublishedHour | null>();

  function publishedHour(station: Station, hourMs: number): PublishedHour | undefined {
    const key = `${station.code}|${hourMs}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    if (cache.size > 200_000) cache.clear();
    const sk = keyOf(station.code);
    const hour = Math.round(hourMs / HOUR_MS);
    const day = cstDayNumberOf(hourMs);
    if (uniform(seed, sk, hour, 10) < QUIRK_RATES.hourMissing || uniform(seed, sk, day, 11) < QUIRK_RATES.dayOutage) {
      cache.set(key, null);
      return undefined;
    }
    const late = uniform(seed, sk, hour, 12) < QUIRK_RATES.late;
    const { values } = model.stationHour(station, hourMs);
    const out: PublishedHour = {
      station,
      hourMs,
      publishedMs: hourMs + PUBLISH_DELAY_MS + (late ? LATE_DELAY_MS : 0),
      values: POLLUTANTS.map((pollutant, i) => {
        const missing = uniform(seed, sk, hour, 20 + i) < QUIRK_RATES.valueMissing;
        const invalid = uniform(seed, sk, hour, 30 + i) < QUIRK_RATES.invalidFlag;
        const malformed = !missing && uniform(seed, sk, hour, 40 + i) < QUIRK_RATES.malformed;
        return {
          pollutant,
          value: missing ? null : round(pollutant, values[pollutant]),
          flag: invalid ? (INVALID_FLAGS[Math.floor(uniform(seed, sk, hour, 60 + i) * 4)] ?? 'B') : 'N',
          malformed,
        };
      }),
    };
    const pm25 = out.values[0];
    if (pm25 && pm25.value !== null && !pm25.malformed && uniform(seed, sk, hour, 50) < QUIRK_RATES.correction) {
      out.correction = {
        publishedMs: hourMs + PUBLISH_DELAY_MS + CORRECTION_DELAY_MS,
        value: Math.round(pm25.value * 1.15 + 1),
      };
    }
    cache.set(key, out);
    return out;
  }

  /** The value as served at `nowMs`: the correction once it is published. */
  function servedValue(h: PublishedHour, v: PublishedValue, nowMs: number): number | null {
    return v.pollutant === 'pm25' && h.correction && h.correction.publishedMs <= nowMs ? h.correction.value : v.value;
  }

  return { publishedHour, servedValue };
}

export type Publication = ReturnType<typeof createPublication>;
