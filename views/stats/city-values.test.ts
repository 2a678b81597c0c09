import { describe, expect, it } from 'vitest';
import { cityMean, roundHalfUp, roundHalfUpDecimal } from './city-values';

describe('city values as the national centre forms them (docs/standards.md §3.3, §3.5)', () => {
  it('rounds half up on the exact binary value', () => {
    expect(roundHalfUp(26.5, 0)).toBe(27); // an exact binary half goes up
    expect(roundHalfUp(2.5, 0)).toBe(3); // not to the even neighbour (GB/T 8170 would give 2)
    expect(roundHalfUp(0.475, 2)).toBe(0.47); // 0.475 is 0.474999… in binary
    expect(roundHalfUp(0.625, 2)).toBe(0.63); // 0.625 is exact in binary
    expect(roundHalfUp(1.005, 2)).toBe(1); // 1.00499… in binary
  });

  it("rounds a station's value half up on its decimal value, whichever way binary noise tips it", () => {
    expect(roundHalfUpDecimal(0.35000000000000003, 1)).toBe(0.4);
    expect(roundHalfUpDecimal(0.3499999999999999, 1)).toBe(0.4);
    expect(roundHalfUpDecimal(12.5, 0)).toBe(13);
    expect(roundHalfUpDecimal(12.49, 0)).toBe(12);
    expect(roundHalfUpDecimal(-0.35, 1)).toBe(-0.4);
    expect(roundHalfUpDecimal(0, 1)).toBe(0);
  });

  it('gives what reading the value to 9 decimals and rounding those digits gives, on realistic values', () => {
    // The second method: the value printed to 9 decimals, its digits rounded half up as text.
    const byText = (x: number, decimals: number): number => {
      const [ip = '0', fp = ''] = Math.abs(x).toFixed(9).split('.');
      let digits = BigInt(ip + fp.slice(0, decimals));
      if ((fp[decimals] ?? '0') >= '5') digits += 1n;
      const v = Number(digits) / 10 ** decimals;
      return x < 0 ? -v : v;
    };
    // Hourly readings (0–3 decimals), means of 1…24 of them as the engine sums them, and values a
    // hair either side of each tie.
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const scale = 10 ** Math.floor(next() * 4);
      const hours = Array.from({ length: 1 + Math.floor(next() * 24) }, () => Math.round(next() * 500 * scale) / scale);
      values.push(hours[0] as number, hours.reduce((a, b) => a + b, 0) / hours.length);
    }
    for (let k = 0; k < 2000; k++) for (const e of [-1e-12, -1e-15, 0, 1e-15, 1e-12]) values.push(k / 20 + 0.05 + e);
    let differ = 0;
    for (const x of values) for (const d of [0, 1]) if (roundHalfUpDecimal(x, d) !== byText(x, d)) differ++;
    expect(differ).toBe(0);
    expect(values.length).toBe(50000);
  });

  it('rounds each station to its published precision, sums in code order, rounds the mean', () => {
    // Stations 12.5 → 13 and 40: (13 + 40) / 2 = 26.5 → 27 (unrounded: 26.25 → 26).
    expect(
      cityMean('pm25', [
        { station: '1142A', value: 40 },
        { station: '1141A', value: 12.5 },
      ]),
    ).toBe(27);
    // 湖州's stations on 2025-02-11 (CO_24h, in code order 0.6, 0.7, 0.5, 0.3) sum to 2.0999… in binary,
    // so the mean 0.52499… is published 0.52 (the decimal tie 0.525 would give 0.53).
    const huzhou = [
      { station: 'D', value: 0.3 },
      { station: 'A', value: 0.6 },
      { station: 'B', value: 0.7 },
      { station: 'C', value: 0.5 },
    ];
    expect(0.6 + 0.7 + 0.5 + 0.3).toBeLessThan(2.1);
    expect(cityMean('co', huzhou)).toBe(0.52);
    // CO stations are taken at 0.1 first: 0.64 → 0.6, 0.66 → 0.7.
    expect(
      cityMean('co', [
        { station: 'A', value: 0.64 },
        { station: 'B', value: 0.66 },
      ]),
    ).toBe(0.65);
  });
});
