import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { fromRoot } from '../kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { DependencyError, InputError } from '../kernel';
import { installErrorHandler } from './error-handler';

describe('the error handler', () => {
  const app = Fastify();
  installErrorHandler(app);
  app.get('/unprocessable', () => {
    throw new InputError('QUERY_UNPROCESSABLE', 'limit: too many rows', { field: 'limit' });
  });
  app.get('/store-down', () => {
    throw new DependencyError('STORE_UNAVAILABLE', 'clickhouse', 'ClickHouse failed: a detail for the log', true);
  });
  app.post('/json', () => ({ ok: true }));
  void app.register(fastifyStatic, { root: fromRoot('api', 'dashboard'), prefix: '/files/' });
  afterAll(() => app.close());

  /** The status and the error body of one request. */
  async function answer(method: 'GET' | 'POST', url: string, body?: string, type?: string) {
    const res = await app.inject({ method, url, payload: body, headers: type ? { 'content-type': type } : {} });
    return { status: res.statusCode, ...(res.json() as { error: object }).error };
  }

  it("answers an error with its code's status and, below 500, its message and details", async () => {
    expect(await answer('GET', '/unprocessable')).toEqual({
      status: 422,
      code: 'QUERY_UNPROCESSABLE',
      message: 'limit: too many rows',
      details: { field: 'limit' },
    });
  });

  it('keeps the internals of a 5xx out of the body', async () => {
    expect(await answer('GET', '/store-down')).toEqual({
      status: 503,
      code: 'STORE_UNAVAILABLE',
      message: 'a dependency is unavailable',
    });
  });

  it("gives fastify's own refusals a code, answered with that code's status", async () => {
    expect(await answer('POST', '/json', '{"a":', 'application/json')).toMatchObject({
      status: 400,
      code: 'QUERY_INVALID',
    });
    expect(await answer('POST', '/json', '<a/>', 'application/xml')).toMatchObject({
      status: 415,
      code: 'MEDIA_TYPE_UNSUPPORTED',
    });
    expect(await answer('GET', '/nothing')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it("keeps the static files' range and precondition refusals at their own status, with a code", async () => {
    const range = await app.inject({
      method: 'GET',
      url: '/files/dashboard.css',
      headers: { range: 'bytes=99999999-' },
    });
    expect(range.statusCode).toBe(416);
    expect((range.json() as { error: { code: string } }).error.code).toBe('RANGE_NOT_SATISFIABLE');
    const precondition = await app.inject({
      method: 'GET',
      url: '/files/dashboard.css',
      headers: { 'if-match': '"not-this"' },
    });
    expect(precondition.statusCode).toBe(412);
    expect((precondition.json() as { error: { code: string } }).error.code).toBe('PRECONDITION_FAILED');
  });
});
