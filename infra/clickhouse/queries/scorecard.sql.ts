import type { Tables } from '../tables';

/**
 * Per station: identities with a value and valid now; corrections (an identity whose provisional
 * revisions hold more than one distinct value); audit coverage; and the timeliness of each
 * identity's first arrival — the source's publication time where it gives one, else when we
 * received it — in minutes after the hour's end. Backfilled revisions are not timed.
 */
export const scorecardPerStationSql = (t: Tables): string => `
  WITH per_identity AS (
    SELECT station, pollutant, time,
           argMax(value, (status, arrived_at)) AS current_value,
           argMax(valid, (status, arrived_at)) AS current_valid,
           uniqExactIf(ifNull(value, nan), status = 'provisional') AS provisional_values,
           countIf(status = 'audited') > 0 AS audited,
           minIf(dateDiff('second', time, ifNull(published_at, arrived_at)), source_kind != 'backfill') AS delay_s,
           countIf(source_kind != 'backfill') > 0 AS timed
    FROM ${t.revisions}
    WHERE station IN {stations:Array(String)} AND time >= {from:DateTime('UTC')} AND time < {to:DateTime('UTC')}
    GROUP BY station, pollutant, time
  )
  SELECT station,
         countIf(current_value IS NOT NULL) AS received,
         countIf(current_valid) AS valid,
         countIf(provisional_values > 1) AS corrected,
         countIf(audited AND current_value IS NOT NULL) AS audited,
         groupArrayIf(delay_s / 60, timed) AS delays_min
  FROM per_identity
  GROUP BY station
  ORDER BY station`;

export const scorecardRejectsSql = (t: Tables): string => `
  SELECT code, count() AS n
  FROM ${t.rejects} FINAL
  WHERE centre = {centre:String}
    AND ((time >= {from:DateTime('UTC')} AND time < {to:DateTime('UTC')})
         -- a refusal with no hour (a whole page, a foreign station) counts in the period it arrived
         OR (toUnixTimestamp(time) = 0 AND received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')}))
  GROUP BY code
  ORDER BY code`;
