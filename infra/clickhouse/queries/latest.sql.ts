import type { Tables } from '../tables';

/**
 * Each station's last hour-ending instant with a valid value of one of the six AQI pollutants
 * (`GET /v1/aqi/latest`), as epoch seconds: the current values (FINAL, invariant 2), looked for
 * within {lookbackDays} days before the latest hour any of the stations holds, so the scan stays
 * in the last partitions with a year stored. A station silent longer has no row (the view asks
 * again for those over everything stored: {lookbackDays} 0).
 *
 * That latest hour is itself looked for only within {lookbackDays} days before the table's latest
 * hour, which the engine reads from its parts' min/max index without a scan: unbounded, it read
 * the time of every stored row of the stations (~50 of ~60 ms with two years stored). If the
 * stations hold nothing that recent, maxOrNull gives NULL, no row comes back, and the view's
 * second look finds every station's last hour as before.
 */
export const lastHoursSql = (t: Tables): string => `
SELECT station, toUnixTimestamp(max(time)) AS last
FROM ${t.readings} FINAL
WHERE station IN {stations:Array(String)}
  AND pollutant IN ('so2', 'no2', 'co', 'pm10', 'pm25', 'o3')
  AND valid
  AND ({lookbackDays:UInt32} = 0 OR time >= (
    SELECT maxOrNull(time) FROM ${t.readings}
    WHERE station IN {stations:Array(String)} AND pollutant IN ('so2', 'no2', 'co', 'pm10', 'pm25', 'o3')
      AND time >= (SELECT max(time) FROM ${t.readings}) - INTERVAL {lookbackDays:UInt32} DAY
  ) - INTERVAL {lookbackDays:UInt32} DAY)
GROUP BY station`;
