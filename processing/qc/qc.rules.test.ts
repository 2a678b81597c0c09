import { describe, expect, it } from 'vitest';
import { aReading } from '../../test/helpers/readings';
import { checkBatch, checkReading } from './qc.rules';

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
});
