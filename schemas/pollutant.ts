import { z } from 'zod';

/** The six criteria pollutants measured hourly, by their codes in the public contract. */
export const zPollutant = z
  .enum(['pm25', 'pm10', 'o3', 'no2', 'so2', 'co'])
  .describe('Criteria pollutant code: pm25, pm10, o3, no2, so2 (µg/m³) or co (mg/m³)');
export type Pollutant = z.infer<typeof zPollutant>;
export const POLLUTANTS: readonly Pollutant[] = zPollutant.options;

/** Statistics derived from hourly readings; never pushed or pulled themselves. */
export const zDerivedPollutant = z.enum(['o3_8h', 'o3_mda8', 'aqi']);
export type DerivedPollutant = z.infer<typeof zDerivedPollutant>;

/** Canonical units: CO in mg/m³, everything else in µg/m³ (GB 3095-2012 Table 1). */
export const zUnit = z.enum(['µg/m³', 'mg/m³']);
export type Unit = z.infer<typeof zUnit>;

export const CANONICAL_UNIT: Readonly<Record<Pollutant, Unit>> = {
  pm25: 'µg/m³',
  pm10: 'µg/m³',
  o3: 'µg/m³',
  no2: 'µg/m³',
  so2: 'µg/m³',
  co: 'mg/m³',
};
