import { z } from 'zod';
import { zTimeParam } from './common';
import { zPushRejection, zPushResult } from './push';

/**
 * Species a supersite measures beyond the six criteria pollutants (µg/m³): water-soluble ions
 * (online ion chromatographs such as MARGA), organic and elemental carbon (semi-continuous OC/EC)
 * and elements (online XRF). The factor analysis uses them at station level when present.
 */
export const zSpeciesCode = z
  .enum([
    'so4',
    'no3',
    'nh4',
    'cl',
    'na',
    'k',
    'mg',
    'ca',
    'oc',
    'ec',
    'al',
    'si',
    'ti',
    'fe',
    'mn',
    'cu',
    'zn',
    'pb',
    'v',
    'ni',
    'cr',
    'as',
    'se',
    'cd',
    'ba',
  ])
  .describe(
    'Supersite species code: ions so4 no3 nh4 cl na k mg ca, carbon oc ec, elements al si ti fe mn cu zn pb v ni cr as se cd ba (all µg/m³)',
  );
export type SpeciesCode = z.infer<typeof zSpeciesCode>;

/** One pushed speciated hour: `time` the hour-ending instant with offset, µg/m³. */
export const zPushedSpecies = z
  .object({
    station: z.string().min(1),
    species: zSpeciesCode,
    time: z.string(),
    value: z.number().min(0).max(10_000).nullable().describe('µg/m³; null for a missing hour'),
    mdl: z
      .number()
      .positive()
      .max(1_000)
      .optional()
      .describe('Method detection limit of this value (µg/m³); default the species’ typical one'),
    uncertainty: z
      .number()
      .positive()
      .max(10_000)
      .optional()
      .describe('Analytical uncertainty of this value (µg/m³); default from the EPA PMF formula'),
  })
  .strict();
export type PushedSpecies = z.infer<typeof zPushedSpecies>;

/**
 * `POST /v1/species`'s answer: the readings push's accepted count and rejections, without the
 * parts only hourly criteria readings have (QC-flagged values, an archive's skipped stations).
 */
export const zSpeciesPushResult = z.object({
  accepted: zPushResult.shape.accepted,
  rejected: z.array(zPushRejection.omit({ time: true }).describe('A record refused, not stored')),
});
export type SpeciesPushResult = z.infer<typeof zSpeciesPushResult>;

export const zFactorsQuery = z
  .object({
    level: z
      .enum(['station', 'city', 'province'])
      .default('province')
      .describe('Further species are used at station level (supersites)'),
    id: z.string().min(1).describe('Station code, city name or province id'),
    from: zTimeParam,
    to: zTimeParam,
    factors: z.coerce
      .number()
      .int()
      .min(2)
      .max(10)
      .default(5)
      .describe('Number of factors (fewer than the species used)'),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    restarts: z.coerce.number().int().min(1).max(20).default(4).describe('Seeded random starts; the lowest Q is kept'),
    bootstrap: z.coerce
      .number()
      .int()
      .min(0)
      .max(100)
      .default(10)
      .describe('Block-bootstrap runs for the profiles’ uncertainty'),
    blockHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(24)
      .describe('Bootstrap block length, hours'),
    chooseFactors: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true')
      .describe('Also fit 2 … min(8, species − 1) factors and suggest a number'),
  })
  .strict();
export type FactorsQuery = z.infer<typeof zFactorsQuery>;

const zRun = z.object({ seed: z.number().int(), qRobust: z.number(), converged: z.boolean() });

export const zFactorsResponse = z.object({
  level: z.string(),
  id: z.string(),
  from: z.string(),
  to: z.string(),
  method: z.string().describe('The method and its parameters'),
  exploratory: z
    .boolean()
    .describe(
      'True when only the criteria pollutants were available: the factors are then indicative, not a source apportionment',
    ),
  note: z.string(),
  coverage: z.object({
    hours: z.number().int(),
    usedHours: z.number().int(),
    droppedHours: z.number().int().describe('Hours missing more than half their species'),
    stations: z.number().int(),
  }),
  species: z.array(
    z.object({
      species: z.string(),
      category: z
        .enum(['strong', 'weak', 'bad'])
        .describe('EPA PMF 5 by signal-to-noise: bad (< 0.5) left out, weak (< 1) uncertainty tripled'),
      signalToNoise: z.number(),
      missing: z.number().int(),
      belowDetection: z.number().int(),
      mdl: z.number(),
      errorFraction: z.number(),
    }),
  ),
  q: z.object({
    true: z.number(),
    robust: z.number(),
    expected: z.number(),
    ratio: z.number().describe('Q robust / Q expected'),
  }),
  runs: z.array(zRun),
  times: z.array(z.string()).describe('Hour-ending instants of the rows used (UTC)'),
  factors: z.array(
    z.object({
      factor: z.number().int(),
      label: z.string(),
      zh: z.string(),
      reason: z.string(),
      pm25Share: z.number().nullable().describe('Share of the modelled PM2.5 mass from this factor'),
      profile: z.array(
        z.object({
          species: z.string(),
          value: z.number().describe('Mean concentration the factor adds (species unit)'),
          share: z.number().describe('Share of the species’ modelled total'),
          p05: z.number().nullable(),
          p50: z.number().nullable(),
          p95: z.number().nullable(),
        }),
      ),
      bootstrapMapped: z.number().int().describe('Bootstrap runs in which a factor mapped to this one'),
      contributions: z.array(z.number()).describe('Per row of `times`, normalised to mean 1'),
    }),
  ),
  bootstrap: z.object({ runs: z.number().int(), blockHours: z.number().int(), unmapped: z.number().int() }),
  factorCount: z
    .object({
      rows: z.array(
        z.object({
          factors: z.number().int(),
          qRobust: z.number(),
          qTrue: z.number(),
          qExpected: z.number(),
          ratio: z.number(),
          largeResiduals: z.number(),
        }),
      ),
      suggested: z.number().int(),
      rule: z.string(),
    })
    .optional(),
  cached: z.boolean().describe('Served from the cache of results for the same data and parameters'),
  computeMs: z.number(),
});
export type FactorsResponse = z.infer<typeof zFactorsResponse>;
