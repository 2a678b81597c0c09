import { describe, expect, it } from 'vitest';
import type { Reading } from '../schemas/reading';
import type { Reject } from '../schemas/reject';
import type { Station } from '../schemas/station';
import type { FeedAdapter } from './feed-adapter';
import { explainBatch } from '../processing/qc/qc.rules';
import { createPushIngest } from './push';
import type { ReadingSink } from './reading-sink';
import { createStationRegistry } from './stations/registry';

const station = (code: string, province: Station['province']): Station => ({
  code,
  name: code,
  city: 'c',
  countyCity: '',
  province,
  lon: null,
  lat: null,
  control: false,
  stopped: false,
});
const registry = createStationRegistry([
  { version: 'v', validFrom: '2013-01-01', stations: [station('1141A', 'shanghai'), station('1151A', 'jiangsu')] },
]);
const noArchive: FeedAdapter = { format: 'cnemc-archive', toReadings: () => ({ readings: [], problems: [] }) };

function sink(): ReadingSink & { readings: Reading[]; rejects: Reject[]; order: string[] } {
  const s = {
    readings: [] as Reading[],
    rejects: [] as Reject[],
    order: [] as string[],
    async publish(rs: readonly Reading[]) {
      s.order.push('readings');
      s.readings.push(...rs);
    },
    async publishRejects(rs: readonly Reject[]) {
      s.order.push('rejects');
      s.rejects.push(...rs);
    },
    async close() {},
  };
  return s;
}

const now = () => new Date('2025-03-01T02:05:00Z');

describe('push ingest (JSON body)', () => {
  it("accepts a centre's own stations and answers each other record with its index and reason", async () => {
    const out = sink();
    const push = createPushIngest({
      sink: out,
      registry: () => registry,
      archive: noArchive,
      judge: explainBatch,
      now,
    });
    const result = await push({
      centre: 'shanghai',
      format: 'json',
      body: [
        { station: '1141A', pollutant: 'pm25', time: '2025-03-01T10:00:00+08:00', value: 41 },
        { station: '1151A', pollutant: 'pm25', time: '2025-03-01T10:00:00+08:00', value: 41 },
        {
          station: '1141A',
          pollutant: 'co',
          time: '2025-03-01T10:00:00+08:00',
          value: 0.8,
          status: 'audited',
          flag: 'N',
        },
        { station: '1141A', pollutant: 'pm1', time: '2025-03-01T10:00:00+08:00', value: 3 },
        { station: '1141A', pollutant: 'o3', time: '2025-03-01T10:30:00+08:00', value: 3 },
        { station: '1141A', pollutant: 'o3', time: '2025-03-01T11:00:00+08:00', value: 90, extra: 1 },
        { station: '1141A', pollutant: 'no2', time: '2025-03-01T11:00:00+08:00', value: null, flag: 'B' },
      ],
    });
    expect(result.accepted).toBe(3);
    expect(result.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, 'READING_STATION_NOT_OWNED', 'station'],
      [3, 'READING_INVALID', 'pollutant'],
      [4, 'READING_INVALID', 'time'],
      [5, 'READING_INVALID', '(record)'],
    ]);
    expect(result.rejected[3]?.reason).toBe('Unrecognized key: "extra"');
    expect(out.readings.map((r) => [r.pollutant, r.value, r.unit, r.status, r.sourceValid, r.source])).toEqual([
      ['pm25', 41, 'µg/m³', 'provisional', true, { kind: 'push', id: 'shanghai' }],
      ['co', 0.8, 'mg/m³', 'audited', true, { kind: 'push', id: 'shanghai' }],
      ['no2', null, 'µg/m³', 'provisional', false, { kind: 'push', id: 'shanghai' }],
    ]);
    expect(out.readings[0]?.arrivedAt).toBe('2025-03-01T02:05:00.000Z');
    expect(out.rejects).toHaveLength(4);
    expect(out.order).toEqual(['readings', 'rejects']);
  });

  it('lets the coordinator push for any province', async () => {
    const push = createPushIngest({
      sink: sink(),
      registry: () => registry,
      archive: noArchive,
      judge: explainBatch,
      now,
    });
    const result = await push({
      centre: 'coordinator',
      format: 'json',
      body: [{ station: '1151A', pollutant: 'so2', time: '2025-03-01T10:00:00+08:00', value: 7 }],
    });
    expect(result).toEqual({
      accepted: 1,
      rejected: [],
      flagged: [],
      skipped: { otherStations: 0, cells: 0, outsideRegistry: 0 },
    });
  });

  it('refuses a body that is not an array, naming the body', async () => {
    const result = await createPushIngest({
      sink: sink(),
      registry: () => registry,
      archive: noArchive,
      judge: explainBatch,
      now,
    })({
      centre: 'anhui',
      format: 'json',
      body: { station: '1141A' },
    });
    expect(result).toEqual({
      accepted: 0,
      rejected: [
        {
          index: -1,
          station: '',
          code: 'READING_INVALID',
          field: '(body)',
          reason: 'expected a JSON array of readings',
          time: '',
        },
      ],
      flagged: [],
      skipped: { otherStations: 0, cells: 0, outsideRegistry: 0 },
    });
  });

  it('answers only after the readings are durable: a failing bus fails the push', async () => {
    const failing: ReadingSink = {
      publish: async () => Promise.reject(new Error('bus down')),
      publishRejects: async () => {},
      close: async () => {},
    };
    const push = createPushIngest({
      sink: failing,
      registry: () => registry,
      archive: noArchive,
      judge: explainBatch,
      now,
    });
    await expect(
      push({
        centre: 'shanghai',
        format: 'json',
        body: [{ station: '1141A', pollutant: 'pm25', time: '2025-03-01T10:00:00+08:00', value: 1 }],
      }),
    ).rejects.toThrow('bus down');
  });
});
