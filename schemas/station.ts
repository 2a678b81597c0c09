import { z } from 'zod';

/** Province ids; each is also the id of the centre that owns the province's stations. */
export const zProvince = z.enum(['shanghai', 'jiangsu', 'zhejiang', 'anhui']);
export type Province = z.infer<typeof zProvince>;

/** A centre: one per province plus the regional coordinator, the centres of the public contract. */
export const zCentre = z.enum([...zProvince.options, 'coordinator']);
export type Centre = z.infer<typeof zCentre>;

/** National station codes are four digits and `A` (1141A); other networks may use other codes. */
export const zStationCode = z
  .string()
  .regex(/^[0-9A-Za-z_-]{1,16}$/, 'expected a station code such as 1141A')
  .describe('Station code, e.g. 1141A');

export const zStation = z.object({
  code: zStationCode,
  name: z.string().min(1),
  city: z.string().min(1).describe('Prefecture city as in the station list, e.g. 上海'),
  countyCity: z.string().describe('County-level city where the list names one, else empty'),
  province: zProvince,
  lon: z.number().min(-180).max(180).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  control: z.boolean().describe('Background/control site (对照点)'),
  stopped: z.boolean(),
});
export type Station = z.infer<typeof zStation>;

/** One version of the station list, valid from a date (stations open, move and close). */
export const zStationListVersion = z.object({
  version: z.string().min(1),
  validFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD'),
  stations: z.array(zStation),
});
export type StationListVersion = z.infer<typeof zStationListVersion>;
