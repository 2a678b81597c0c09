import type { Tables } from '../tables';

/**
 * Per station: identities with a value and valid now; corrections (an identity whose provisional
 * revisions hold more than one distinct value); audit coverage; and the timeliness of each
 * identity's first arrival — the source's publication time where it gives one, else when we
 * received it — in minutes after the hour's end. Backfilled revisions are not timed.
 *
 * Nor is the catch-up of a source's start: an hour is timed only if it ended at or after the
 * first arrival of the source that first brought it (a feed's first pull reads its look-back
 * window, 48 hours by default, and those hours' delays say when yrd-air started, not when the
 * centre published). The source's first arrival is looked for among the hours of the period and
 * the 7 days before it (FIRST_ARRIVAL_WINDOW_DAYS): a source running before that window has a
 * first arrival before the period in it anyway, as long as it delivers within a week.
 */
export const FIRST_ARRIVAL_WINDOW_DAYS = 7;

export const scorecardPerStationSql = (t: Tables): string => `
  WITH first_arrivals AS (
    SELECT source_kind AS kind, source_id AS id, min(arrived_at) AS first_arrival
    FROM ${t.revisions}
    WHERE station IN {stations:Array(String)} AND source_kind != 'backfill'
      AND time >= {from:DateTime('UTC')} - INTERVAL ${FIRST_ARRIVAL_WINDOW_DAYS} DAY AND time < {to:DateTime('UTC')}
    GROUP BY kind, id
  ),
  per_identity AS (
    SELECT station, pollutant, time,
           argMax(value, (status, arrived_at)) AS current_value,
           argMax(valid, (status, arrived_at)) AS current_valid,
           uniqExactIf(ifNull(value, nan), status = 'provisional') AS provisional_values,
           countIf(status = 'audited') > 0 AS audited,
           minIf(dateDiff('second', time, ifNull(published_at, arrived_at)), source_kind != 'backfill') AS delay_s,
           countIf(source_kind != 'backfill') > 0 AS timed,
           argMinIf(source_kind, arrived_at, source_kind != 'backfill') AS first_kind,
           argMinIf(source_id, arrived_at, source_kind != 'backfill') AS first_id
    FROM ${t.revisions}
    WHERE station IN {stations:Array(String)} AND time >= {from:DateTime('UTC')} AND time < {to:DateTime('UTC')}
    GROUP BY station, pollutant, time
  )
  SELECT p.station AS station,
         countIf(p.current_value IS NOT NULL) AS received,
         countIf(p.current_valid) AS valid,
         countIf(p.provisional_values > 1) AS corrected,
         countIf(p.audited AND p.current_value IS NOT NULL) AS audited,
         groupArrayIf(p.delay_s / 60, p.timed AND p.time >= f.first_arrival) AS delays_min
  FROM per_identity AS p
  LEFT JOIN first_arrivals AS f ON p.first_kind = f.kind AND p.first_id = f.id
  GROUP BY p.station
  ORDER BY p.station`;

export const scorecardRejectsSql = (t: Tables): string => `
  SELECT code, count() AS n
  FROM ${t.rejects} FINAL
  WHERE centre = {centre:String}
    AND ((time >= {from:DateTime('UTC')} AND time < {to:DateTime('UTC')})
         -- a refusal with no hour (a whole page, a foreign station) counts in the period it arrived
         OR (toUnixTimestamp(time) = 0 AND received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')}))
  GROUP BY code
  ORDER BY code`;
