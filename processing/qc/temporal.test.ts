import { describe, expect, it } from 'vitest';
import { checkTemporal, type Neighbour } from './temporal';

/** Neighbours from a list: before(1) is the last element. */
const history =
  (values: (number | null)[]): Neighbour =>
  (h) =>
    h <= values.length ? values[values.length - h] : undefined;

describe('temporal QC: constant runs and spikes (advisory)', () => {
  it('flags the sixth identical value in a row at or above the floor, not the fifth', () => {
    expect(checkTemporal('pm25', 425, history([425, 425, 425, 425, 425]))).toEqual(['constant_run']);
    expect(checkTemporal('pm25', 425, history([425, 425, 425, 425]))).toEqual([]);
    // A missing hour breaks the run.
    expect(checkTemporal('pm25', 425, history([425, null, 425, 425, 425]))).toEqual([]);
  });

  it('leaves clean-air repeats below the floor alone (SO2 5, CO 0.5 for hours)', () => {
    expect(checkTemporal('so2', 5, history([5, 5, 5, 5, 5, 5, 5]))).toEqual([]);
    expect(checkTemporal('co', 0.5, history([0.5, 0.5, 0.5, 0.5, 0.5]))).toEqual([]);
    expect(checkTemporal('co', 2, history([2, 2, 2, 2, 2]))).toEqual(['constant_run']);
  });

  it('flags a jump of more than the step and more than three times the median of the three hours before', () => {
    // Median of 40, 50, 45 is 45: 146 is +101 and > 135 → spike; 145 is only +100.
    expect(checkTemporal('pm25', 146, history([40, 50, 45]))).toEqual(['spike']);
    expect(checkTemporal('pm25', 145, history([40, 50, 45]))).toEqual([]);
    // whatever the order of the three hours
    for (const order of [
      [40, 45, 50],
      [45, 40, 50],
      [45, 50, 40],
      [50, 40, 45],
      [50, 45, 40],
    ]) {
      expect(checkTemporal('pm25', 146, history(order))).toEqual(['spike']);
      expect(checkTemporal('pm25', 145, history(order))).toEqual([]);
    }
    // A large jump that is not three-fold (from 200 to 320) is not a spike.
    expect(checkTemporal('pm25', 320, history([200, 210, 190]))).toEqual([]);
    // Without three earlier hours there is nothing to compare.
    expect(checkTemporal('pm25', 500, history([10, 10]))).toEqual([]);
  });
});
