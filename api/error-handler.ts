import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../kernel';
import type { ErrorBody } from '../schemas';
import { AppError } from '../kernel';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  401: 'AUTH_KEY_INVALID',
  403: 'AUTH_FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'BODY_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/**
 * One error shape for every route: `{ error: { code, message, details } }` with a stable code.
 * 5xx bodies never carry internals; the log has them.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let status = 500;
    let body: ErrorBody = { error: { code: 'INTERNAL', message: 'internal error' } };
    if (err instanceof AppError) {
      status = err.statusCode;
      body = {
        error: {
          code: err.code,
          message: status >= 500 ? 'a dependency is unavailable' : err.message,
          details: status >= 500 ? undefined : err.details,
        },
      };
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      status = 400;
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
      status = err.statusCode;
      body = { error: { code: CODE_BY_STATUS[status] ?? 'QUERY_INVALID', message: err.message } };
    }
    if (status >= 500) request.log.error({ err }, 'request failed');
    else request.log.warn({ code: body.error.code, status }, 'request refused');
    void reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send({
        error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
      } satisfies ErrorBody);
  });
}
