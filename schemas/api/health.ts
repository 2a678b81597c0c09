import { z } from 'zod';

export const zHealth = z.object({ status: z.literal('ok') });
export const zReadiness = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.record(z.string(), z.string()).describe('Each dependency: "ok" or "failing: <why>"'),
});
