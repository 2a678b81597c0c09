import { z } from 'zod';
import { zProvince, zStation } from '../station';

export const zStationsQuery = z
  .object({
    province: zProvince.optional(),
    city: z.string().min(1).optional().describe('Prefecture city as in the station list, e.g. 上海'),
  })
  .strict();
export type StationsQuery = z.infer<typeof zStationsQuery>;

export const zStationsResponse = z.object({
  version: z.string().describe('The station list version in force today'),
  validFrom: z.string(),
  stations: z.array(zStation),
});
