import { describe, expect, it } from 'vitest';
import { qcFlagReason, type QcLimits } from './qc-flags';
import { zQcFlag } from './qc';

/** Limits made up for the test, so each number in a reason can only come from them. */
const per = (n: number) => ({ pm25: n, pm10: n + 1, o3: n + 2, no2: n + 3, so2: n + 4, co: n + 5 });
const LIMITS: QcLimits = {
  maxPlausible: per(700),
  pmTolerance: { relative: 0.2, absoluteUgM3: 7 },
  constantRun: { hours: 9, floor: per(40) },
  spike: { jump: per(120), ratio: 4 },
};

describe('qcFlagReason', () => {
  it.each([
    [
      'missing',
      { pollutant: 'pm25', value: null, missingReason: 'null in push' },
      'PM2.5 has no value (null in push); kept out of statistics',
    ],
    [
      'source_invalid',
      { pollutant: 'no2', value: 30, sourceFlag: 'B' },
      'NO2 30 µg/m³ is flagged invalid by its source (flag B); kept out of statistics',
    ],
    [
      'negative',
      { pollutant: 'so2', value: -2 },
      'SO2 -2 µg/m³ is negative: a concentration is at least 0 µg/m³; kept out of statistics',
    ],
    [
      'out_of_range',
      { pollutant: 'co', value: 4000 },
      'CO 4000 mg/m³ is above the plausible maximum 705 mg/m³; kept out of statistics',
    ],
    [
      'pm25_above_pm10',
      { pollutant: 'pm25', value: 80 },
      "PM2.5 80 µg/m³ is above the same hour's PM10 by more than 20 % of PM10 plus 7 µg/m³; kept out of statistics",
    ],
    [
      'pm25_above_pm10',
      { pollutant: 'pm10', value: 50 },
      "the same hour's PM2.5 is above PM10 50 µg/m³ by more than 20 % of PM10 plus 7 µg/m³; kept out of statistics",
    ],
    [
      'constant_run',
      { pollutant: 'o3', value: 88 },
      'O3 88 µg/m³ repeats one value for 9 consecutive hours at or above 42 µg/m³ (a stuck instrument?); flagged for review, still counted in statistics',
    ],
    [
      'spike',
      { pollutant: 'pm10', value: 900 },
      'PM10 900 µg/m³ jumps above the median of the 3 hours before it by more than 121 µg/m³ and more than 4 times; flagged for review, still counted in statistics',
    ],
  ] as const)('%s: %s', (flag, value, reason) => {
    expect(qcFlagReason(flag, value, LIMITS)).toBe(reason);
  });

  it('words every flag of the enum', () => {
    for (const flag of zQcFlag.options)
      expect(qcFlagReason(flag, { pollutant: 'pm25', value: 1 }, LIMITS)).not.toBe('');
  });
});
