import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import type { Station } from '../schemas/station';
import { admit, problemsToRejects, type BoundaryContext } from './boundary';
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
const ctx = (owner: BoundaryContext['owner']): BoundaryContext => ({
  registry,
  owner,
  centre: owner,
  sourceKind: 'push',
  sourceId: owner,
  receivedAt: '2025-03-01T02:00:00Z',
});

describe('the ingest boundary', () => {
  it('accepts a valid reading of an owned station', () => {
    const r = aReading();
    expect(admit([r], ctx('shanghai'))).toEqual({ accepted: [r], acceptedIndexes: [0], rejects: [] });
  });

  it('refuses an hour ending more than two hours after receipt as READING_TIME_IN_FUTURE, the time as written', () => {
    // Received 2025-03-01T02:00Z = 10:00 CST: the latest hour-ending time admitted is 12:00 CST.
    const out = admit(
      [
        aReading({ time: '2025-03-01T12:00:00+08:00' }),
        aReading({ time: '2025-03-01T13:00:00+08:00' }),
        aReading({ time: '2200-01-01T00:00:00Z' }),
      ],
      ctx('shanghai'),
    );
    expect(out.acceptedIndexes).toEqual([0]);
    expect(out.rejects.map((r) => [r.recordIndex, r.code, r.field, r.reason, r.time, r.timeWritten])).toEqual([
      [
        1,
        'READING_TIME_IN_FUTURE',
        'time',
        'time 2025-03-01T13:00:00+08:00 is in the future: later than 2025-03-01T12:00:00+08:00, two hours after the record was received',
        '2025-03-01T05:00:00.000Z',
        '2025-03-01T13:00:00+08:00',
      ],
      [
        2,
        'READING_TIME_IN_FUTURE',
        'time',
        'time 2200-01-01T00:00:00Z is in the future: later than 2025-03-01T12:00:00+08:00, two hours after the record was received',
        null, // past the store's DateTime (2106): kept only as written
        '2200-01-01T00:00:00Z',
      ],
    ]);
  });

  it('keeps a time that names no real instant only as written (30 February is not 2 March)', () => {
    const [r] = admit([aReading({ time: '2025-02-30T01:00:00+08:00' })], ctx('shanghai')).rejects;
    expect(r).toMatchObject({
      code: 'READING_INVALID',
      field: 'time',
      time: null,
      timeWritten: '2025-02-30T01:00:00+08:00',
    });
  });

  it('rejects, per record with index, field and reason: unknown station, not owned, bad unit, bad field', () => {
    const out = admit(
      [
        aReading({ station: '9999A' }),
        aReading({ station: '1151A' }),
        aReading({ pollutant: 'co', unit: 'µg/m³', value: 700 }),
        { ...aReading(), time: 'yesterday' },
        aReading(),
      ],
      ctx('shanghai'),
    );
    expect(out.accepted).toHaveLength(1);
    expect(out.rejects.map((r) => [r.recordIndex, r.code, r.field, r.reason])).toEqual([
      [0, 'READING_UNKNOWN_STATION', 'station', 'station 9999A is not in the station registry'],
      [1, 'READING_STATION_NOT_OWNED', 'station', 'station 1151A belongs to jiangsu, not shanghai'],
      [2, 'READING_INVALID', 'unit', 'co must be in mg/m³, got µg/m³'],
      [3, 'READING_INVALID', 'time', 'expected an ISO 8601 instant with offset, e.g. 2025-03-01T01:00:00+08:00'],
    ]);
    expect(out.rejects[1]).toMatchObject({
      centre: 'shanghai',
      station: '1151A',
      pollutant: 'pm25',
      time: '2025-02-28T17:00:00.000Z',
    });
  });

  it('lets the coordinator report any province', () => {
    expect(admit([aReading({ station: '1151A' })], ctx('coordinator')).accepted).toHaveLength(1);
  });

  it('never throws on hostile input', () => {
    const out = admit([null, 42, 'x', { station: { $gt: 1 } }, []], ctx('shanghai'));
    expect(out.accepted).toEqual([]);
    expect(out.rejects.map((r) => r.recordIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(out.rejects.every((r) => r.code === 'READING_INVALID' && r.reason.length > 0)).toBe(true);
  });

  it('turns an adapter problem into a reject, a whole-page one into FEED_PARSE_FAILED', () => {
    const rejects = problemsToRejects(
      [
        {
          index: 3,
          station: '1141A',
          pollutant: 'pm25',
          field: 'PM2_5',
          reason: '"abc" is not a number',
          record: '{"PM2_5":"abc"}',
        },
        { index: -1, field: '(page)', reason: 'not JSON', record: '<html>' },
      ],
      ctx('shanghai'),
    );
    expect(rejects.map((r) => [r.code, r.recordIndex, r.field])).toEqual([
      ['READING_INVALID', 3, 'PM2_5'],
      ['FEED_PARSE_FAILED', -1, '(page)'],
    ]);
  });
});
