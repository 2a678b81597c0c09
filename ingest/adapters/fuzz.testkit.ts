import fc from 'fast-check';
import type { FeedAdapter } from '../feed-adapter';

/**
 * Test support for the adapters' property tests (not imported by production code): whatever bytes
 * arrive, `toReadings` returns values — readings and problems — and never throws (ARCHITECTURE.md rule 7).
 */

const CTX = { sourceId: 'fuzz', sourceKind: 'feed', arrivedAt: '2025-03-01T01:20:00+08:00' } as const;

/** Maps `body` and checks the outcome's shape: each problem says where and why; null values say why. */
export function mapsCleanly(adapter: FeedAdapter, body: Uint8Array): boolean {
  const out = adapter.toReadings({ label: 'fuzz', body }, CTX);
  const problemsOk = out.problems.every(
    (p) =>
      Number.isInteger(p.index) &&
      p.index >= -1 &&
      p.field.length > 0 &&
      p.reason.trim().length > 0 &&
      typeof p.record === 'string',
  );
  const readingsOk = out.readings.every((r) =>
    r.value === null ? (r.missingReason ?? '').length > 0 : Number.isFinite(r.value),
  );
  return problemsOk && readingsOk;
}

/** Random bytes, fixtures cut short anywhere, and fixtures with a few bytes overwritten. */
export function byteInputs(seeds: readonly Uint8Array[]): Record<string, fc.Arbitrary<Uint8Array>> {
  const seed = fc.constantFrom(...seeds);
  return {
    'random bytes': fc.uint8Array({ maxLength: 4096 }),
    'a fixture cut short': seed.chain((s) => fc.nat({ max: s.length }).map((n) => s.subarray(0, n))),
    'a fixture with bytes overwritten': seed.chain((s) =>
      fc
        .array(fc.tuple(fc.nat({ max: Math.max(0, s.length - 1) }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        })
        .map((edits) => {
          const b = Uint8Array.from(s);
          for (const [at, v] of edits) b[at] = v;
          return b;
        }),
    ),
  };
}

/** JSON text as bytes, for the JSON feeds: arbitrary values where the format expects records. */
export const jsonBytes = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Uint8Array> =>
  value.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
