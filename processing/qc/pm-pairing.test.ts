import { describe, expect, it } from 'vitest';
import { aReading } from '../../test/helpers/readings';
import { timeMs } from '../../kernel/time';
import type { Revision, RevisionContent } from '../reading-store';
import { RevisionIndex } from '../revisions';
import { judgePmPairs, rejudged } from './pm-pairing';

// Limits by hand (docs/standards.md §2.4: 10 % of PM10 plus 5 µg/m³): PM10 80 → PM2.5 may be
// at most 80 × 1.1 + 5 = 93; PM10 200 → 225. So PM2.5 120 is flagged beside 80, not beside 200.
const rev = (o: Partial<Revision>): Revision => ({ ...aReading(o), qcFlags: [], valid: true, ...o });
const stored = (o: Partial<Revision>, verdict: { valid?: boolean; flagged?: boolean } = {}): RevisionContent => {
  const r = aReading(o);
  return {
    station: r.station,
    pollutant: r.pollutant,
    timeMs: timeMs(r.time),
    status: r.status,
    value: r.value,
    sourceFlag: r.sourceFlag ?? '',
    sourceValid: r.sourceValid,
    missingReason: r.missingReason ?? '',
    valid: verdict.valid ?? true,
    pm25AbovePm10: verdict.flagged ?? false,
  };
};
const judge = (arrivals: Revision[], store: RevisionContent[]) => {
  const index = new RevisionIndex(store);
  const fresh = index.admit(arrivals);
  return { fresh, partners: judgePmPairs(fresh, index) };
};

describe('PM2.5 against PM10 as they stand: the store overlaid with the batch', () => {
  it('flags a PM10 that arrives after its PM2.5 was stored, and re-judges the stored PM2.5', () => {
    const pm10 = rev({ pollutant: 'pm10', value: 80, arrivedAt: '2025-03-01T02:00:00Z' });
    const { fresh, partners } = judge([pm10], [stored({ pollutant: 'pm25', value: 120 })]);
    expect(fresh[0]?.qcFlags).toEqual(['pm25_above_pm10']);
    expect(fresh[0]?.valid).toBe(false);
    expect(partners).toEqual([
      {
        key: {
          station: '1141A',
          pollutant: 'pm25',
          timeMs: Date.parse('2025-03-01T01:00:00+08:00'),
          status: 'provisional',
        },
        flagged: true,
        by: pm10,
      },
    ]);
  });

  it('clears a stored PM2.5 flag when PM10 is corrected upwards, and flags nothing new', () => {
    const pm10 = rev({ pollutant: 'pm10', value: 200 });
    const { fresh, partners } = judge(
      [pm10],
      [
        stored({ pollutant: 'pm25', value: 120 }, { valid: false, flagged: true }),
        stored({ pollutant: 'pm10', value: 80 }),
      ],
    );
    expect(fresh[0]?.valid).toBe(true);
    expect(partners.map((p) => [p.key.pollutant, p.flagged])).toEqual([['pm25', false]]);
  });

  it('a missing PM10 clears the flag of its PM2.5 (no partner value, no comparison)', () => {
    const { partners } = judge(
      [rev({ pollutant: 'pm10', value: null, missingReason: '—', sourceValid: false })],
      [stored({ pollutant: 'pm25', value: 120 }, { valid: false, flagged: true })],
    );
    expect(partners.map((p) => [p.key.pollutant, p.flagged])).toEqual([['pm25', false]]);
  });

  it('re-judges nothing when the stored verdict stands (an ordinary pull changes no partner)', () => {
    const { partners } = judge([rev({ pollutant: 'pm10', value: 190 })], [stored({ pollutant: 'pm25', value: 120 })]);
    expect(partners).toEqual([]);
  });

  it('judges both fresh ones in the batch itself, with no partner to re-judge', () => {
    const { fresh, partners } = judge(
      [rev({ pollutant: 'pm25', value: 120 }), rev({ pollutant: 'pm10', value: 80 })],
      [],
    );
    expect(fresh.map((r) => r.qcFlags)).toEqual([['pm25_above_pm10'], ['pm25_above_pm10']]);
    expect(partners).toEqual([]);
  });

  it('judges against the latest arrival of the batch: 80 then 200 leaves the stored PM2.5 as it was', () => {
    const { fresh, partners } = judge(
      [rev({ pollutant: 'pm10', value: 80 }), rev({ pollutant: 'pm10', value: 200 })],
      [stored({ pollutant: 'pm25', value: 120 })],
    );
    // Each PM10 against the PM2.5 as it stands: 120 > 93 for the first, 120 ≤ 225 for the second.
    expect(fresh.map((r) => r.valid)).toEqual([false, true]);
    expect(partners).toEqual([]);
  });

  it('pairs only the same station, hour and status', () => {
    const { fresh, partners } = judge(
      [rev({ pollutant: 'pm10', value: 80, status: 'audited' })],
      [
        stored({ pollutant: 'pm25', value: 120 }),
        stored({ pollutant: 'pm25', value: 120, station: '1142A' }),
        stored({ pollutant: 'pm25', value: 120, time: '2025-03-01T02:00:00+08:00' }),
      ],
    );
    expect(fresh[0]?.valid).toBe(true);
    expect(partners).toEqual([]);
  });
});

describe('rejudged: the stored partner with a new verdict', () => {
  const row = rev({
    pollutant: 'pm25',
    value: 120,
    qcFlags: ['source_invalid', 'spike'],
    valid: false,
    sourceValid: false,
    sourceFlag: 'B',
    arrivedAt: '2025-03-01T02:00:00.000Z',
    source: { kind: 'push', id: 'shanghai' },
  });

  it('keeps the content and the advisory flags, sets the flag before them, keeps validity from the flags', () => {
    const by = rev({ pollutant: 'pm10', value: 80, arrivedAt: '2025-03-01T05:00:00.000Z' });
    const r = rejudged(row, { key: { ...row, timeMs: 0 }, flagged: true, by });
    expect(r).toEqual({
      ...row,
      qcFlags: ['source_invalid', 'pm25_above_pm10', 'spike'],
      valid: false,
      arrivedAt: '2025-03-01T05:00:00.000Z',
      kind: 're-judged',
      previous: { value: 120, valid: false },
    });
  });

  it('clears the flag and recomputes validity; arrives 1 ms after the partner if the trigger was stamped earlier', () => {
    const flagged = { ...row, qcFlags: ['pm25_above_pm10', 'spike'], sourceValid: true, valid: false };
    const by = rev({ pollutant: 'pm10', value: 200, arrivedAt: '2025-03-01T01:00:00.000Z' });
    const r = rejudged(flagged, { key: { ...row, timeMs: 0 }, flagged: false, by });
    expect([r.qcFlags, r.valid, r.arrivedAt, r.previous]).toEqual([
      ['spike'],
      true,
      '2025-03-01T02:00:00.001Z',
      { value: 120, valid: false },
    ]);
  });
});
