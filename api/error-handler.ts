import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

/** What a refusal says when fastify could not read the URL: how to send it so it can be. */
const ENCODE_HINT = 'percent-encode each byte of non-ASCII text in the URL (上海 is %E4%B8%8A%E6%B5%B7)';

/** The body of an error: one shape for every route, for fastify's own refusals and for the router's. */
function bodyOf(err: FastifyError | AppError): ErrorBody {
  if (err instanceof AppError) {
    const hidden = statusOf(err.code) >= 500;
    return {
      error: {
        code: err.code,
        message: hidden ? 'a dependency is unavailable' : err.message,
        details: hidden ? undefined : err.details,
      },
    };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)',
      message: v.message ?? 'invalid',
    }));
    return {
      error: {
        code: 'QUERY_INVALID',
        message: `invalid ${err.validationContext ?? 'request'}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        details: issues,
      },
    };
  }
  if (err.code === 'FST_ERR_BAD_URL') {
    // A percent-escape that is not UTF-8 (e.g. `%E0%A4%A`), refused by the router before any route.
    return { error: { code: 'QUERY_INVALID', message: `the URL cannot be decoded: ${err.message}; ${ENCODE_HINT}` } };
  }
  if (typeof err.statusCode === 'number' && err.statusCode < 500) {
    return { error: { code: FRAMEWORK_CODE_BY_STATUS[err.statusCode] ?? 'QUERY_INVALID', message: err.message } };
  }
  return { error: { code: 'INTERNAL', message: 'internal error' } };
}

function answer(err: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): void {
  const body = bodyOf(err);
  const status = statusOf(body.error.code);
  if (status >= 500) request.log.error({ err }, 'request failed');
  else request.log.warn({ code: body.error.code, status }, 'request refused');
  void reply.status(status).send(body);
}

/**
 * fastify's `frameworkErrors` option: the router's own refusals before any route (a URL whose
 * percent-escapes are not UTF-8, a path parameter past its length) answered in the one shape.
 */
export const frameworkErrors = (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void =>
  answer(err, request, reply);

/** The refusal of a request Node's HTTP parser could not read, by the parser's error code. */
function connectionRefusal(err: Error & { code?: string }): ErrorBody {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { error: { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' } };
  }
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      error: { code: 'HEADERS_TOO_LARGE', message: 'the request line and headers are larger than the server reads' },
    };
  }
  if (err.code === 'HPE_INVALID_URL') {
    // Node's parser takes only ASCII in the request line: `?id=上海` sent as raw UTF-8 bytes ends here.
    return {
      error: { code: 'QUERY_INVALID', message: `the URL holds characters HTTP does not allow; ${ENCODE_HINT}` },
    };
  }
  return { error: { code: 'QUERY_INVALID', message: 'the request cannot be read as HTTP/1.1' } };
}

/**
 * fastify's `clientErrorHandler` option: a request Node's HTTP parser refused (so no route, hook
 * or error handler ever sees it) answered in the one shape on the socket, then the socket closed,
 * as fastify's default handler does.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const body = connectionRefusal(err);
  const status = statusOf(body.error.code);
  this.log.warn({ code: body.error.code, status, parserCode: err.code }, 'request refused by the HTTP parser');
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(json)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

/**
 * One error shape for every route: `{ error: { code, message, details } }` with a stable code,
 * answered with the code's HTTP status from the registry. 5xx bodies never carry internals; the
 * log has them. Requests refused before routing are answered in the same shape by
 * `frameworkErrors` and `clientErrorHandler` (fastify options, set in build-app.ts).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => answer(err, request, reply));
  app.setNotFoundHandler((request, reply) => {
    void reply.status(statusOf('NOT_FOUND')).send({
      error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    } satisfies ErrorBody);
  });
}
