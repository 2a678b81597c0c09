import { z } from 'zod';

const zDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d,
    'not a real date',
  );

export const zExceptionalDay = z
  .object({
    city: z.string().min(1).describe('Prefecture city as in the station list'),
    day: zDay.describe('Natural day (CST)'),
    kind: z.enum(['dust']).default('dust').describe('dust: a sand-dust (沙尘) day'),
    source: z.string().min(1).max(500).describe('Who determined it (e.g. the MEE notice)'),
    removed: z.boolean().default(false).describe('true takes an earlier record back out'),
  })
  .strict();
export type ExceptionalDay = z.infer<typeof zExceptionalDay>;

export const zExceptionalDaysBody = z.array(zExceptionalDay).min(1).max(10_000);
export const zExceptionalDaysQuery = z.object({ year: z.coerce.number().int().min(2013).max(2100) }).strict();
export const zExceptionalDaysResponse = z.object({
  year: z.number().int(),
  days: z.array(zExceptionalDay.omit({ removed: true }).extend({ recordedAt: z.string() })),
});
export type ExceptionalDaysResponse = z.infer<typeof zExceptionalDaysResponse>;
export const zExceptionalDaysRecorded = z.object({
  recorded: z.number().int().describe('How many records of the body were taken in'),
});
