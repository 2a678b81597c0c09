import type { Tables } from '../tables';

/**
 * The forecasts in force at `asOf`: of each identity (source, city, valid_date, issue_day) the issue
 * with the latest issued_at, then the latest receipt, among those received at or before `asOf`
 * (docs/standards.md §9.1: receipt time, because a centre can backdate issued_at). Filters are
 * optional: an empty string, an empty array or a lead of -1 leaves that filter out; `limit` caps the rows.
 */
export const forecastsInForceSql = (t: Tables): string => `
  SELECT source, city, province, toString(valid_date) AS validDate, toString(issue_day) AS issueDay,
         lead, toUnixTimestamp64Milli(issued_at) AS issuedMs,
         aqi_low AS aqiLow, aqi_high AS aqiHigh, category, primary, pm25, o3_mda8, centre,
         toUnixTimestamp64Milli(received_at) AS receivedMs
  FROM ${t.forecasts}
  WHERE received_at <= {asOf:DateTime64(3, 'UTC')}
    AND valid_date >= {from:Date} AND valid_date <= {to:Date}
    AND (empty({cities:Array(String)}) OR city IN {cities:Array(String)})
    AND (empty({source:String}) OR source = {source:String})
    AND ({lead:Int16} < 0 OR lead = {lead:Int16})
  ORDER BY valid_date, city, source, issue_day, issued_at DESC, received_at DESC
  LIMIT 1 BY valid_date, city, source, issue_day
  LIMIT {limit:UInt32}`;
