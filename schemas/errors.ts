import { z } from 'zod';
import { ERROR_CODES } from '../kernel';

/** The error codes of the registry (kernel/error-codes.ts), for the OpenAPI error body. */
export const zErrorCode = z.enum(ERROR_CODES);

/** The one error body of the HTTP API: `{ error: { code, message, details } }`. */
export const zErrorBody = z.object({
  error: z.object({
    code: zErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof zErrorBody>;
