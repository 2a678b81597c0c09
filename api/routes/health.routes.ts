import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { zHealth, zReadiness } from '../../schemas';

export type ReadinessCheck = () => Promise<void>;

const CHECK_TIMEOUT_MS = 3_000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  return Promise.race([
    check(),
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);
}

/** `/healthz`: the process is up. `/readyz`: the store and the bus answer (503 naming which does not). */
export const healthRoutes: FastifyPluginAsyncZod<{ readiness: Record<string, ReadinessCheck> }> = async (app, opts) => {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: zHealth } } }, async () => ({
    status: 'ok' as const,
  }));
  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: zReadiness, 503: zReadiness } } },
    async (_request, reply) => {
      const results = await Promise.all(
        Object.entries(opts.readiness).map(async ([name, check]) => {
          try {
            await withTimeout(check);
            return [name, 'ok'] as const;
          } catch (err) {
            return [name, `failing: ${(err as Error).message}`] as const;
          }
        }),
      );
      const ready = results.every(([, s]) => s === 'ok');
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
    },
  );
};
