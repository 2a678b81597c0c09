import { z } from 'zod';
import { cstMidnightMs } from '../../kernel';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A time parameter of the public contract: a date `YYYY-MM-DD` (a natural day in CST) or an ISO 8601
 * instant with offset.
 */
export const zTimeParam = z
  .string()
  .refine(
    (s) =>
      DATE.test(s) ? !Number.isNaN(cstMidnightMs(s)) : /(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
    {
      message: 'expected a date YYYY-MM-DD or an ISO 8601 instant with offset',
    },
  )
  .describe('A date YYYY-MM-DD (natural day, CST) or an ISO 8601 instant with offset');

export const isDateParam = (s: string): boolean => DATE.test(s);

export const zLimit = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt).describe(`Maximum rows (1–${max}, default ${dflt})`);

/**
 * How a city's MDA8 is formed (docs/standards.md §3.3): `stations`, the mean of its stations' MDA8s,
 * as the national centre's published city values show; `city-hourly`, the MDA8 of the city's hourly
 * O3 means (each formed as the centre forms a city hour).
 */
export const zCityMda8 = z
  .enum(['stations', 'city-hourly'])
  .optional()
  .describe(
    "A city's MDA8: stations (default: the mean of its stations' MDA8s, as the national centre publishes it) or city-hourly (the MDA8 of the city's hourly O3 means; nValid then counts its valid 8-h windows, of 17); a province or region averages its cities' (docs/standards.md §3.3)",
  );
export type CityMda8 = NonNullable<z.infer<typeof zCityMda8>>;

/** The areas the statistics routes answer for. */
export const zLevel = z
  .enum(['station', 'city', 'province', 'region'])
  .describe(
    'station (code), city (name as in the list), province (shanghai|jiangsu|zhejiang|anhui), region (yrd|yrd31)',
  );
export type Level = z.infer<typeof zLevel>;
