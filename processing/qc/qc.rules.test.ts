import { describe, expect, it } from 'vitest';
import { aReading } from '../../test/helpers/readings';
import { checkBatch, checkReading, explainBatch } from './qc.rules';

describe('quality control flags (values are never changed)', () => {
  it.each([
    ['a plain value', aReading({ value: 35 }), [], true],
    ['a missing value', aReading({ value: null, missingReason: 'x' }), ['missing'], false],
    ['a source-invalid value', aReading({ sourceValid: false, sourceFlag: 'B' }), ['source_invalid'], false],
    ['a negative value', aReading({ value: -2 }), ['negative'], false],
    ['real fireworks PM2.5 of 900', aReading({ value: 900 }), [], true],
    ['PM2.5 of 1500', aReading({ value: 1500 }), ['out_of_range'], false],
    ['CO of 12 mg/m³', aReading({ pollutant: 'co', value: 12 }), [], true],
  ])('%s', (_name, r, flags, valid) => {
    expect(checkReading(r)).toEqual({ qcFlags: flags, valid });
  });

  it('flags both PM2.5 and PM10 when PM2.5 exceeds PM10 beyond 10 % + 5 µg/m³', () => {
    // PM10 = 50: the limit is 50 × 1.1 + 5 = 60. 60 passes, 61 does not.
    const ok = checkBatch([aReading({ pollutant: 'pm25', value: 60 }), aReading({ pollutant: 'pm10', value: 50 })]);
    expect(ok.map((c) => c.valid)).toEqual([true, true]);
    const bad = checkBatch([
      aReading({ pollutant: 'pm25', value: 61 }),
      aReading({ pollutant: 'pm10', value: 50 }),
      aReading({ pollutant: 'o3', value: 80 }),
    ]);
    expect(bad.map((c) => c.qcFlags)).toEqual([['pm25_above_pm10'], ['pm25_above_pm10'], []]);
  });

  it('compares only the same station and hour', () => {
    const out = checkBatch([
      aReading({ pollutant: 'pm25', value: 90 }),
      aReading({ pollutant: 'pm10', value: 50, station: '1142A' }),
    ]);
    expect(out.every((c) => c.valid)).toBe(true);
  });

  it('explains each flag with its rule and limit, the flags and verdicts those of checkBatch', () => {
    const batch = [
      aReading({ pollutant: 'so2', value: 6000 }),
      aReading({ pollutant: 'no2', value: -0.5, sourceValid: false, sourceFlag: 'B' }),
      aReading({ pollutant: 'o3', value: null, missingReason: '—' }),
      // PM10 20.5: at most 20.5 × 1.1 + 5 = 27.55 µg/m³ of PM2.5.
      aReading({ pollutant: 'pm25', value: 28 }),
      aReading({ pollutant: 'pm10', value: 20.5 }),
      aReading({ pollutant: 'co', value: 1.2 }),
    ];
    const explained = explainBatch(batch);
    expect(explained.map(({ qcFlags, valid }) => ({ qcFlags, valid }))).toEqual(checkBatch(batch));
    expect(explained.map((e) => e.reasons)).toEqual([
      ['SO2 6000 µg/m³ is above the plausible maximum 5240 µg/m³; kept out of statistics'],
      [
        'NO2 -0.5 µg/m³ is flagged invalid by its source (flag B); kept out of statistics',
        'NO2 -0.5 µg/m³ is negative: a concentration is at least 0 µg/m³; kept out of statistics',
      ],
      ['O3 has no value (—); kept out of statistics'],
      [
        "PM2.5 28 µg/m³ is above the same hour's PM10 20.5 µg/m³ by more than 10 % of PM10 plus 5 µg/m³ (at most 27.55 µg/m³); kept out of statistics",
      ],
      [
        "the same hour's PM2.5 28 µg/m³ is above PM10 20.5 µg/m³ by more than 10 % of PM10 plus 5 µg/m³ (at most 27.55 µg/m³); kept out of statistics",
      ],
      [],
    ]);
  });
});
