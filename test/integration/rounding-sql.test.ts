import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundHalfUpSql, stationValueSql } from '../../infra/clickhouse/queries/series.sql';
import { roundHalfUp, roundHalfUpDecimal } from '../../views/stats/city-values';
import { openTestStore, type TestStore } from '../helpers/store';

/**
 * The city rule's two roundings as the engine computes them (infra/clickhouse/queries/series.sql.ts)
 * against the same roundings in JavaScript (views/stats/city-values.ts), value by value, in the
 * real engine: a station's value half up on its decimal value, a city's mean half up on its exact
 * binary value. The series, the AQI and the compliance views form city values on either side.
 */
let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => store?.dispose());

/** Hourly readings (0–3 decimals), means of 1…24 of them, ties and values a hair either side. */
function values(): number[] {
  let seed = 11;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: number[] = [0, -0.35, -12.5, 0.475, 1.005, 0.625, 0.35000000000000003, 0.3499999999999999];
  for (let i = 0; i < 5000; i++) {
    const scale = 10 ** Math.floor(next() * 4);
    const hours = Array.from({ length: 1 + Math.floor(next() * 24) }, () => Math.round(next() * 500 * scale) / scale);
    out.push(hours[0] as number, hours.reduce((a, b) => a + b, 0) / hours.length);
  }
  for (let k = 0; k < 1000; k++) for (const e of [-1e-12, -1e-15, 0, 1e-15, 1e-12]) out.push(k / 200 + 0.005 + e);
  return out;
}

describe('the engine rounds city values as the views do (real engine)', () => {
  it('gives the same station value and city mean as JavaScript for every value and precision', async () => {
    const xs = values();
    const rs = await store.client.query({
      query: `SELECT x, ${stationValueSql('x', '0')} AS s0, ${stationValueSql('x', '1')} AS s1,
                     ${roundHalfUpSql('x', '0')} AS c0, ${roundHalfUpSql('x', '2')} AS c2
              FROM (SELECT arrayJoin({xs:Array(Float64)}) AS x)`,
      query_params: { xs },
      format: 'JSONCompactEachRow',
    });
    const rows = await rs.json<[number, number, number, number, number]>();
    expect(rows).toHaveLength(xs.length);
    const differ = rows.filter(
      ([x, s0, s1, c0, c2]) =>
        s0 !== roundHalfUpDecimal(x, 0) ||
        s1 !== roundHalfUpDecimal(x, 1) ||
        c0 !== roundHalfUp(x, 0) ||
        c2 !== roundHalfUp(x, 2),
    );
    expect(differ).toEqual([]);
    // A few by hand: decimal ties go up either side of binary noise; binary ties only if exact.
    const of = new Map(rows.map((r) => [r[0], r]));
    expect(of.get(0.3499999999999999)?.[2]).toBe(0.4);
    expect(of.get(-0.35)?.[2]).toBe(-0.4);
    expect(of.get(0.475)?.[4]).toBe(0.47);
    expect(of.get(0.625)?.[4]).toBe(0.63);
  });
});
