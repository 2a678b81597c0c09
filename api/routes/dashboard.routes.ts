import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DAY_MS, fromRoot } from '../../kernel';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** ECharts' own browser build, served from node_modules: no CDN, the page works on a closed network. */
const ECHARTS_DIR = dirname(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'));

/**
 * `GET /`: the dashboard page (api/dashboard/), a static page over the public API — ozone MDA8
 * and its P90, PM2.5 year to date against the target per city (chart, station map, table), feed
 * health; Chinese and English.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  const dir = fromRoot('api', 'dashboard');
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/assets/',
    index: false,
    wildcard: false,
    allowedPath: (path) => path !== '/index.html',
    maxAge: 300_000,
  });
  await app.register(fastifyStatic, {
    root: ECHARTS_DIR,
    prefix: '/assets/',
    decorateReply: false,
    wildcard: false,
    allowedPath: (path) => path === '/echarts.min.js',
    maxAge: DAY_MS,
  });
  app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) =>
    reply.status(204).header('cache-control', 'public, max-age=86400').send(),
  );
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html', dir),
  );
};
