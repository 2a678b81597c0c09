import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../kernel';
import type { ErrorBody } from '../schemas';
import { AppError, statusOf } from '../kernel';

/**
 * The code of each refusal fastify and its plugins answer themselves, by the status they give
 * it: a body that is not JSON, the size limit, a Content-Type no parser reads, the rate limit, and
 * the static files' conditional and range refusals (412, 416), so these keep their own status.
 * Any other of their 4xx answers is a request that cannot be served as sent: `QUERY_INVALID`.
 * The answer's status is then the code's (kernel/error-codes.ts), as for every other error.
 */
const FRAMEWORK_CODE_BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'QUERY_INVALID',
  401: 'AUTH_KEY_INVALID',
  403: 'AUTH_FORBIDDEN',
  404: 'NOT_FOUND',
  412: 'PRECONDITION_FAILED',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'MEDIA_TYPE_UNSUPPORTED',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'RATE_LIMITED',
};

/**
 * One error shape for every route: `{ error: { code, message, details } }` with a stable code,
 * answered with the code's HTTP status from the registry. 5xx bodies never carry internals; the
 * log has them.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error' } };
    if (err instanceof AppError) {
      const hidden = statusOf(err.code) >= 500;
      body = {
        error: {
          code: err.code,
          message: hidden ? 'a dependency is unavailable' : err.message,
          details: hidden ? undefined : err.details,
        },
      };
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)',
        message: v.message ?? 'invalid',
      }));
      body = {
        error: {
          code: 'QUERY_INVALID',
          message: `invalid ${err.validationContext ?? 'request'}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
          details: issues,
        },
      };
    } else if (typeof err.statusCode === 'number' && err.statusCode < 500) {
      body = { error: { code: FRAMEWORK_CODE_BY_STATUS[err.statusCode] ?? 'QUERY_INVALID', message: err.message } };
    }
    const status = statusOf(body.error.code);
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.warn({ code: body.error.code, status }, 'request refused');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(statusOf('NOT_FOUND')).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    } satisfies ErrorBody);
  });
}
