/**
 * How the national centre forms a city's value from its stations' (docs/standards.md §3.3, §3.5,
 * observed practice): each station value is taken at the station's published precision (integer
 * µg/m³, CO 0.1 mg/m³, half up on its decimal value), the values are summed in binary floating point in station-code order and
 * divided by their number, and the mean is rounded half up to the city's published precision
 * (integer µg/m³, CO 0.01 mg/m³). Rounding is of the binary value exactly: a CO mean of 0.475
 * formed from 0.6, 0.5, 0.4 and 0.4 is 0.47499… in binary and is published 0.47, as the centre does
 * at every such tie. The same rule is written in SQL for the series (`cityMeanSql` in
 * infra/clickhouse/queries/series.sql.ts).
 */

/** Decimals a station's value is published with, by pollutant or daily statistic. */
export const stationDecimals = (pollutant: string): number => (pollutant.startsWith('co') ? 1 : 0);

/** Decimals a city's value is published with, by pollutant or daily statistic. */
export const cityDecimals = (pollutant: string): number => (pollutant.startsWith('co') ? 2 : 0);

/**
 * Half up (away from zero) on the exact binary value: `toFixed` picks the nearer of the two
 * neighbours of the exact value, and the larger magnitude on an exact tie.
 */
export const roundHalfUp = (x: number, decimals: number): number => Number(x.toFixed(decimals));

/**
 * Half up on the DECIMAL value, for a station's value taken to its published precision: the value
 * (a mean whose last binary digit depends on the order the engine summed its hours) counts as its
 * tie when it lies within 5·10⁻¹⁰ below it, so 0.35 formed as 0.34999… or as 0.35000…1 both give
 * 0.4 — the value read to 9 decimals, which every order of summation agrees on. The centre rounds
 * its stations from its unrounded hourly data, which is not at hand.
 *
 * Written in double arithmetic alone (scale, floor, compare), step for step as `stationValueSql`
 * in infra/clickhouse/queries/series.sql.ts, so the two agree on every double: printing the value
 * to text first cost the engine ~0.3 µs a value, most of a city-year's hourly AQI. It differs from
 * reading the 9-decimal text only for a value within ~10⁻¹⁴ of 5·10⁻¹⁰ below a tie.
 */
export function roundHalfUpDecimal(x: number, decimals: number): number {
  const m = 10 ** decimals;
  const y = Math.abs(x) * m;
  const f = Math.floor(y);
  const v = (f + (y - f >= 0.5 - 5e-10 * m ? 1 : 0)) / m;
  return x < 0 ? -v : v;
}

/** A city's value from its stations' values, as the centre forms it (see above). */
export function cityMean(pollutant: string, stations: readonly { station: string; value: number }[]): number {
  const sd = stationDecimals(pollutant);
  let sum = 0;
  const sorted = [...stations].sort((a, b) => (a.station < b.station ? -1 : a.station > b.station ? 1 : 0));
  for (const s of sorted) sum += roundHalfUpDecimal(s.value, sd);
  return roundHalfUp(sum / sorted.length, cityDecimals(pollutant));
}
