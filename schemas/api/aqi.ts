import { z } from 'zod';
import { zInstant } from '../time';

export const zLevel = z
  .enum(['station', 'city', 'province', 'region'])
  .describe(
    'station (code), city (name as in the list), province (shanghai|jiangsu|zhejiang|anhui), region (yrd|yrd31)',
  );
export type Level = z.infer<typeof zLevel>;

export const zAqiQuery = z
  .object({
    level: zLevel,
    id: z.string().min(1).describe('Station code, city name, province id or region id'),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
      .describe('Natural day (CST): hours labelled 01–24'),
    asOf: zInstant.optional().describe('Answer as the data stood at this instant: only what had arrived by then'),
  })
  .strict();
export type AqiQuery = z.infer<typeof zAqiQuery>;

const zCategory = z.object({ level: z.string(), zh: z.string(), en: z.string() });

export const zAreaAqi = z.object({
  area: z.string().describe('Station code or city name'),
  aqi: z.number().int().nullable(),
  iaqi: z
    .record(z.string(), z.number().int())
    .describe('IAQI per indicator: so2, no2, co, pm10, pm25, o3_1h (2012 regime), o3_8h'),
  primary: z.array(z.string()).describe('Primary pollutant(s), only when AQI > 50; every one on a tie'),
  category: zCategory.nullable(),
  concentrations: z
    .record(z.string(), z.number())
    .describe('Daily values used: 24-h means, O3 max 1-h and MDA8 (µg/m³, CO mg/m³)'),
  missing: z.array(z.string()).describe('Indicators the report lacks (HJ 633 §4.7)'),
});

export const zAqiResponse = z.object({
  level: zLevel,
  id: z.string(),
  date: z.string(),
  regime: z.enum(['2012', '2026']),
  /** A city is scored from city-averaged concentrations (docs/standards.md §3.3); a province or region lists its cities. */
  results: z.array(zAreaAqi),
});
export type AqiResponse = z.infer<typeof zAqiResponse>;
