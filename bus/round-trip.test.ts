import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HOUR_MS, toCstIso } from '../kernel';
import { POLLUTANTS, READING_FIELDS, type Reading, type Reject } from '../schemas';
import { decodeMessage } from './decode';
import { encodeReadings, encodeRejects } from './encode';
import type { OutgoingMessage } from './message';

/** What the processor gets back from one message as the bus delivers it. */
function decoded(m: OutgoingMessage, offset: number): { readings: Reading[]; rejects: Reject[] } {
  const out = decodeMessage({ key: m.key, value: m.value, partition: m.partition ?? 0, offset: String(offset) });
  if (out.kind !== 'ok') throw new Error(`dead-lettered: ${out.reason}`);
  expect(out.value.refused).toEqual([]);
  return { readings: out.value.readings, rejects: out.value.rejects };
}

const FROM_MS = Date.parse('2025-01-01T00:00:00Z');
/** An instant as the feeds write it: in CST with its offset, or in UTC. */
const anInstant = (step: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 0, max: 24 * 366 * 2 }), fc.boolean())
    .map(([n, cst]) => (cst ? toCstIso(FROM_MS + n * step) : new Date(FROM_MS + n * step).toISOString()));

/** JSON writes −0 as 0 (and the store keeps 0 for both), so −0 is left out. */
const aValue = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((v) => !Object.is(v, -0));
const aText = fc.option(fc.string({ maxLength: 12 }), { nil: undefined });

/** A reading's fields, an optional one perhaps not given. */
const aDraft = fc.record({
  station: fc.stringMatching(/^[0-9A-Za-z_-]{1,16}$/),
  pollutant: fc.constantFrom(...POLLUTANTS),
  time: anInstant(HOUR_MS),
  value: fc.option(aValue, { nil: null, freq: 4 }),
  unit: fc.constantFrom('µg/m³' as const, 'mg/m³' as const),
  originalUnit: aText,
  missingReason: aText,
  sourceFlag: aText,
  sourceValid: fc.boolean(),
  status: fc.constantFrom('provisional' as const, 'audited' as const),
  source: fc.record(
    {
      kind: fc.constantFrom('feed' as const, 'push' as const, 'backfill' as const),
      id: fc.constantFrom('sh', 'js', 'zj', 'ah', 'anhui'),
      publishedAt: anInstant(60_000),
    },
    { requiredKeys: ['kind', 'id'] },
  ),
  arrivedAt: anInstant(60_000),
});

/**
 * The readings of one publish: some fields the same in all of them (written once in `shared`),
 * the others their own (columns); a field not given is absent, as ingest builds readings.
 */
const aPublish: fc.Arbitrary<Reading[]> = fc
  .tuple(fc.subarray(READING_FIELDS), aDraft, fc.array(aDraft, { minLength: 1, maxLength: 60 }))
  .map(([same, base, drafts]) =>
    drafts.map((d) => {
      const r = { ...d };
      for (const k of same) Object.assign(r, { [k]: base[k] });
      if (r.value === null && r.missingReason === undefined) r.missingReason = '—';
      return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Reading;
    }),
  );

const aReject: fc.Arbitrary<Reject> = fc.record({
  receivedAt: anInstant(1000),
  centre: fc.constantFrom('shanghai', 'jiangsu', 'zhejiang', 'anhui'),
  sourceKind: fc.constantFrom('feed' as const, 'push' as const, 'backfill' as const, 'bus' as const),
  sourceId: fc.string({ maxLength: 8 }),
  recordIndex: fc.integer({ min: -1, max: 100_000 }),
  station: fc.string({ maxLength: 16 }),
  pollutant: fc.string({ maxLength: 8 }),
  time: fc.option(anInstant(HOUR_MS), { nil: null }),
  timeWritten: fc.string({ maxLength: 40 }),
  code: fc.constantFrom(...ERROR_CODES),
  field: fc.string({ maxLength: 16 }),
  reason: fc.string({ maxLength: 40 }),
  record: fc.string({ maxLength: 40 }),
});

describe('bus round trip: encode, then decode as the processor does', () => {
  it('gives back every reading whole and in order, whatever the readings share', () => {
    fc.assert(
      fc.property(aPublish, (readings) => {
        const back = encodeReadings(readings).flatMap((m, i) => decoded(m, i).readings);
        expect(back).toEqual(readings);
      }),
    );
  });

  it("gives back each partition's readings on that partition, in order", () => {
    const partitionOf = (station: string): number => station.length % 3;
    fc.assert(
      fc.property(aPublish, (readings) => {
        const messages = encodeReadings(readings, partitionOf);
        for (const p of [0, 1, 2]) {
          const back = messages.filter((m) => m.partition === p).flatMap((m, i) => decoded(m, i).readings);
          expect(back.every((r) => partitionOf(r.station) === p)).toBe(true);
          expect(back).toEqual(readings.filter((r) => partitionOf(r.station) === p));
        }
      }),
    );
  });

  it('gives back a publish of several messages whole (at most 2,000 readings to a message)', () => {
    const readings: Reading[] = [];
    for (let h = 0; h < 700; h++) {
      for (const [i, pollutant] of (['pm25', 'o3', 'co'] as const).entries()) {
        const missing = (h + i) % 11 === 0;
        readings.push({
          station: h % 2 ? '1141A' : '1142A',
          pollutant,
          time: toCstIso(FROM_MS + h * HOUR_MS),
          value: missing ? null : h / 10,
          unit: pollutant === 'co' ? 'mg/m³' : 'µg/m³',
          ...(missing ? { missingReason: '—' } : {}),
          ...(pollutant === 'co' ? { originalUnit: 'µg/m³' } : {}),
          sourceValid: !missing,
          status: 'provisional',
          source: { kind: 'feed', id: 'sh' },
          arrivedAt: toCstIso(FROM_MS + h * HOUR_MS + 20 * 60_000),
        });
      }
    }
    const messages = encodeReadings(readings);
    expect(messages.map((m) => (JSON.parse(m.value) as { n: number }).n)).toEqual([2000, 100]);
    expect(messages.flatMap((m, i) => decoded(m, i).readings)).toEqual(readings);
  });

  it('gives back every reject whole and in order, 1,000 to a message keyed by the source of its first', () => {
    fc.assert(
      fc.property(fc.array(aReject, { minLength: 1, maxLength: 2500 }), (rejects) => {
        const messages = encodeRejects(rejects);
        expect(messages.map((m) => m.key)).toEqual(
          messages.map((_, i) => `rejects:${(rejects[i * 1000] as Reject).sourceId}`),
        );
        const back = messages.map((m, i) => decoded(m, i));
        expect(back.flatMap((b) => b.readings)).toEqual([]);
        expect(back.flatMap((b) => b.rejects)).toEqual(rejects);
      }),
      { numRuns: 20 },
    );
  });
});
