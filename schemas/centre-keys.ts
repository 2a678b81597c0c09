import { z } from 'zod';
import { zCentre } from './station';

/** One issued push key, as stored: only its SHA-256 hash, never the key itself. */
export const zCentreKey = z.object({
  id: z.string().describe('Short public id of the key, for logs and revocation'),
  centre: zCentre,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  issuedAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type CentreKey = z.infer<typeof zCentreKey>;

export const zCentreKeysFile = z.object({ keys: z.array(zCentreKey) });
export type CentreKeysFile = z.infer<typeof zCentreKeysFile>;
