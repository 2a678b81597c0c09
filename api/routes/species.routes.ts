import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  zErrorBody,
  zPushedSpecies,
  zSpeciesPushResult,
  type PushedSpecies,
  type SpeciesPushResult,
  zHourEnding,
} from '../../schemas';
import { authenticate } from '../auth/bearer';
import type { KeyVerifier } from '../auth/centre-keys';
import { perKeyRateLimit } from '../auth/push-rate-limit';
import type { SpeciesRow, SpeciesStore, StationQueries } from '../ports';

export interface SpeciesRouteOptions {
  store: SpeciesStore;
  stations: StationQueries;
  verifier: KeyVerifier;
  bodyLimitBytes: number;
  ratePerMinute: number;
}

const recordText = (record: unknown): string => {
  try {
    return (JSON.stringify(record) ?? '').slice(0, 200);
  } catch {
    return '(not printable)';
  }
};

/**
 * `POST /v1/species`: a supersite's speciated hours (ions, OC/EC, elements). The same keys,
 * ownership, size and rate limits as `POST /v1/readings`; every refused record answered with its
 * index, field and reason, the rest stored. Low-volume (a few supersites, a few dozen species an
 * hour), so the API writes them to the store itself and answers once the insert has returned.
 */
export const speciesRoutes: FastifyPluginAsyncZod<SpeciesRouteOptions> = async (app, opts) => {
  app.post(
    '/v1/species',
    {
      bodyLimit: opts.bodyLimitBytes,
      config: {
        rateLimit: perKeyRateLimit(opts.ratePerMinute),
      },
      schema: {
        tags: ['push'],
        summary: 'Push a supersite’s speciated hourly readings (ions, OC/EC, elements)',
        security: [{ bearer: [] }],
        body: z.unknown().describe('JSON array of { station, species, time, value, mdl?, uncertainty? } (µg/m³)'),
        response: { 202: zSpeciesPushResult, 400: zErrorBody, 401: zErrorBody, 413: zErrorBody, 429: zErrorBody },
      },
    },
    async (request, reply) => {
      const caller = authenticate(request, opts.verifier);
      const rejected: SpeciesPushResult['rejected'] = [];
      const rows: SpeciesRow[] = [];
      const body = request.body;
      if (!Array.isArray(body)) {
        rejected.push({
          index: -1,
          station: '',
          code: 'READING_INVALID',
          field: '(body)',
          reason: 'expected a JSON array of speciated readings',
        });
        return reply.status(202).send({ accepted: 0, rejected });
      }
      const list = await opts.stations.current({ atMs: Date.now() });
      const byCode = new Map((list?.stations ?? []).map((s) => [s.code, s]));
      body.forEach((record: unknown, index) => {
        const parsed = zPushedSpecies.safeParse(record);
        const station =
          typeof (record as { station?: unknown } | null)?.station === 'string'
            ? (record as { station: string }).station
            : '';
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          rejected.push({
            index,
            station,
            code: 'READING_INVALID',
            field: issue?.path.join('.') || '(record)',
            reason: `${issue?.message ?? 'invalid record'}: ${recordText(record)}`,
          });
          return;
        }
        const r: PushedSpecies = parsed.data;
        const time = zHourEnding.safeParse(r.time);
        if (!time.success) {
          rejected.push({
            index,
            station,
            code: 'READING_INVALID',
            field: 'time',
            reason: time.error.issues[0]?.message ?? 'not an hour-ending instant',
          });
          return;
        }
        const s = byCode.get(r.station);
        if (!s) {
          rejected.push({
            index,
            station,
            code: 'READING_UNKNOWN_STATION',
            field: 'station',
            reason: `no station ${r.station} in the station list in force`,
          });
          return;
        }
        if (caller.centre !== 'coordinator' && s.province !== caller.centre) {
          rejected.push({
            index,
            station,
            code: 'READING_STATION_NOT_OWNED',
            field: 'station',
            reason: `station ${r.station} belongs to ${s.province}, not ${caller.centre}`,
          });
          return;
        }
        rows.push({
          station: r.station,
          species: r.species,
          timeMs: Date.parse(r.time),
          value: r.value,
          mdl: r.mdl ?? null,
          uncertainty: r.uncertainty ?? null,
        });
      });
      await opts.store.record(rows, caller.centre, Date.now());
      request.log.info(
        { centre: caller.centre, keyId: caller.keyId, accepted: rows.length, rejected: rejected.length },
        'species push received',
      );
      return reply.status(202).send({ accepted: rows.length, rejected });
    },
  );
};
