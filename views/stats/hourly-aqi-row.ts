import type { HourlyAqiRow } from '../../schemas';
import type { AqiResult } from './aqi';
import type { Regime } from './standards';

/** One row of `GET /v1/aqi/hourly` from an AQI and the concentrations it scored, for every window. */
export function hourlyAqiRow(
  id: string,
  time: string,
  regime: Regime,
  a: AqiResult,
  concentrations: Record<string, number>,
): HourlyAqiRow {
  return {
    id,
    time,
    regime,
    aqi: a.aqi,
    iaqi: a.iaqi as Record<string, number>,
    primary: a.primary,
    category: a.category && {
      level: a.category.level,
      zh: a.category.zh,
      en: a.category.en,
      colour: a.category.colour,
      rgb: [...a.category.rgb],
    },
    concentrations,
    missing: a.missing,
    partial: a.partial,
    withheld: a.withheld,
  };
}
