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
