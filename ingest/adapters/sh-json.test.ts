import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedCtx, fixture } from '../../test/helpers/fixtures';
import { byteInputs, jsonBytes, mapsCleanly } from './fuzz.testkit';
import { shJson } from './sh-json';

/** The reading every field of which is written out by hand (feedCtx: provisional feed "test-feed"). */
const reading = (
  station: string,
  pollutant: string,
  time: string,
  value: number | null,
  more: Record<string, unknown> = {},
) => ({
  station,
  pollutant,
  time,
  value,
  unit: pollutant === 'co' ? 'mg/m³' : 'µg/m³',
  sourceValid: true,
  status: 'provisional',
  source: { kind: 'feed', id: 'test-feed' },
  arrivedAt: '2025-03-01T01:20:00.000Z',
  ...more,
});
const H01 = '2025-03-01T01:00:00+08:00';

describe('sh-json adapter (docs/feeds.md §1)', () => {
  const out = shJson.toReadings({ label: 'p1', body: fixture('sh-json-page1.json') }, feedCtx());

  it('maps every record of the page exactly, skipping AQI and PrimaryPollutant', () => {
    expect(out.readings).toStrictEqual([
      reading('1141A', 'pm25', H01, 35),
      reading('1141A', 'pm10', H01, 52),
      reading('1141A', 'o3', H01, 40),
      reading('1141A', 'no2', H01, 30),
      reading('1141A', 'so2', H01, 8),
      reading('1141A', 'co', H01, 0.6),
      reading('1142A', 'pm25', H01, null, { missingReason: '"—" (missing marker)' }),
      reading('1142A', 'pm10', H01, null, { missingReason: '"" (missing marker)' }),
      reading('1142A', 'o3', H01, null, { missingReason: '"-99" (missing marker)' }),
      reading('1142A', 'no2', H01, 28),
      reading('1142A', 'co', H01, 0.7),
      // "2025-03-01 24:00:00" ends the day's last hour: the same instant as 2 March 00:00.
      reading('1143A', 'pm25', '2025-03-02T00:00:00+08:00', 12),
    ]);
  });

  it('reads the CST times as the instants they are (01:00 CST is 17:00 UTC the day before)', () => {
    expect(Date.parse(out.readings[0]?.time ?? '')).toBe(Date.parse('2025-02-28T17:00:00Z'));
  });

  it('reports a non-number with the record, field and reason, and keeps the rest of the record', () => {
    expect(out.problems).toEqual([
      {
        index: 1,
        station: '1142A',
        pollutant: 'so2',
        time: H01,
        field: 'SO2',
        reason: '"abc" is not a number',
        record: expect.stringContaining('"SO2":"abc"'),
      },
    ]);
  });

  it('reports a bad time and keeps nothing of that record', () => {
    const p2 = shJson.toReadings({ label: 'p2', body: fixture('sh-json-page2.json') }, feedCtx());
    expect(p2.readings).toEqual([]);
    expect(p2.problems.map((p) => [p.index, p.station, p.field, p.reason])).toEqual([
      [0, '1144A', 'time', 'time "2025-03-01 02:00" is not "yyyy-MM-dd HH:00:00"'],
    ]);
  });

  it.each([
    ['an impossible date', '2025-02-30 01:00:00'],
    ['hour 25', '2025-03-01 25:00:00'],
    ['a half hour', '2025-03-01 01:30:00'],
  ])('refuses %s rather than rolling it over', (_what, time) => {
    const body = Buffer.from(JSON.stringify({ code: 0, total: 1, data: [{ stationCode: '1141A', time, PM2_5: '3' }] }));
    expect(shJson.toReadings({ label: 't', body }, feedCtx()).problems.map((p) => p.field)).toEqual(['time']);
  });

  it('turns an error envelope, invalid JSON or a page without data into one page problem', () => {
    const err = shJson.toReadings({ label: 'e', body: fixture('sh-json-error.json') }, feedCtx());
    expect(err).toStrictEqual({
      readings: [],
      problems: [
        {
          index: -1,
          field: '(page)',
          reason: 'the feed answered code 401: invalid api key',
          record: '{ "code": 401, "msg": "invalid api key", "data": null }\n',
        },
      ],
    });
    expect(shJson.toReadings({ label: 'j', body: Buffer.from('<html>') }, feedCtx()).problems[0]?.reason).toMatch(
      /^not JSON/,
    );
    expect(shJson.toReadings({ label: 'n', body: Buffer.from('{"code":0}') }, feedCtx()).problems[0]?.reason).toBe(
      'no data array',
    );
  });

  it('uses the status and source of the context', () => {
    const audited = shJson.toReadings(
      { label: 'p1', body: fixture('sh-json-page1.json') },
      { ...feedCtx('sh-push'), sourceKind: 'push', status: 'audited' },
    );
    expect(audited.readings[0]).toMatchObject({ status: 'audited', source: { kind: 'push', id: 'sh-push' } });
  });
});

describe('sh-json toReadings never throws (fast-check)', () => {
  const seeds = [fixture('sh-json-page1.json'), fixture('sh-json-page2.json'), fixture('sh-json-error.json')];
  it.each(Object.entries(byteInputs(seeds)))('on %s', (_name, bytes) => {
    fc.assert(
      fc.property(bytes, (body) => mapsCleanly(shJson, body)),
      { numRuns: 300 },
    );
  });

  it('on envelopes of arbitrary records', () => {
    const envelope = fc.record({
      code: fc.constantFrom(0, 0, 1),
      total: fc.anything(),
      data: fc.array(
        fc.oneof(
          fc.object(),
          fc.dictionary(
            fc.constantFrom('stationCode', 'time', 'PM2_5', 'CO', 'AQI'),
            fc.oneof(fc.string(), fc.double(), fc.constant(null)),
          ),
        ),
      ),
    });
    fc.assert(
      fc.property(jsonBytes(envelope), (body) => mapsCleanly(shJson, body)),
      { numRuns: 300 },
    );
  });
});
