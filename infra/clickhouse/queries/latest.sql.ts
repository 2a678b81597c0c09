import type { Tables } from '../tables';

/**
 * Each station's last hour-ending instant with a valid value of one of the six AQI pollutants
 * (`GET /v1/aqi/latest`), as epoch seconds: the current values (FINAL, invariant 2), looked for
 * within {lookbackDays} days before the latest hour any of the stations holds, so the scan stays
 * in the last partitions with a year stored. A station silent longer has no row (the view asks
 * again for those over everything stored: {lookbackDays} 0).
 */
export const lastHoursSql = (t: Tables): string => `
SELECT station, toUnixTimestamp(max(time)) AS last
FROM ${t.readings} FINAL
WHERE station IN {stations:Array(String)}
  AND pollutant IN ('so2', 'no2', 'co', 'pm10', 'pm25', 'o3')
  AND valid
  AND ({lookbackDays:UInt32} = 0 OR time >= (
    SELECT max(time) FROM ${t.readings}
    WHERE station IN {stations:Array(String)} AND pollutant IN ('so2', 'no2', 'co', 'pm10', 'pm25', 'o3')
  ) - INTERVAL {lookbackDays:UInt32} DAY)
GROUP BY station`;
