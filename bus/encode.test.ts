import { describe, expect, it } from 'vitest';
import { aReading, hourlyReadings } from '../test/helpers/readings';
import type { Reading } from '../schemas/reading';
import { zReadingBatch } from './decode';
import { encodeReadings, encodeRejects } from './encode';

/** What a consumer reads back from a message (decodeMessage validates with this schema). */
const readBack = (value: string): Reading[] => zReadingBatch.parse(JSON.parse(value)).readings;
type Format3 = { v: number; n: number; shared: Record<string, unknown>; columns: Record<string, unknown[]> };
const format3 = (value: string | undefined): Format3 => JSON.parse(value ?? '') as Format3;

describe('bus message encoding', () => {
  it("puts each station on its partition, at most 2,000 readings to a message under Kafka's 1 MB default", () => {
    const stations = ['1141A', '1142A', '1143A', '1144A'];
    const readings = hourlyReadings({
      stations,
      pollutants: ['pm25', 'o3', 'co'],
      startMs: Date.UTC(2024, 0, 1),
      hours: 24 * 40,
      valueOf: () => 1,
    });
    const partitionOf = (s: string): number => (s === '1141A' || s === '1143A' ? 0 : 1);
    const messages = encodeReadings(readings, partitionOf);
    // 5,760 readings a partition: 2,000 + 2,000 + 1,760
    expect(messages.map((m) => [m.partition, format3(m.value).n])).toEqual([
      [0, 2000],
      [0, 2000],
      [0, 1760],
      [1, 2000],
      [1, 2000],
      [1, 1760],
    ]);
    for (const m of messages) {
      expect(m.key).toBeNull();
      expect(Buffer.byteLength(m.value)).toBeLessThan(1_000_000);
      for (const r of readBack(m.value)) expect(partitionOf(r.station)).toBe(m.partition);
    }
    const onPartition = (p: number): Reading[] =>
      messages.filter((m) => m.partition === p).flatMap((m) => readBack(m.value));
    expect(onPartition(0)).toEqual(readings.filter((r) => partitionOf(r.station) === 0));
    expect(onPartition(1)).toEqual(readings.filter((r) => partitionOf(r.station) === 1));
  });

  it("keeps a station's readings in order across its messages", () => {
    const readings = hourlyReadings({
      stations: ['1141A'],
      pollutants: ['pm25'],
      startMs: Date.UTC(2024, 0, 1),
      hours: 4200,
      valueOf: (_s, _p, h) => h,
    });
    const values = encodeReadings(readings).flatMap((m) => readBack(m.value).map((r) => r.value));
    expect(values).toEqual(Array.from({ length: 4200 }, (_, h) => h));
  });

  it('packs rejects 1,000 to a message', () => {
    const reject = {
      receivedAt: '2025-01-01T00:00:00Z',
      centre: 'anhui',
      sourceKind: 'feed' as const,
      sourceId: 'f',
      recordIndex: 0,
      station: 'x',
      pollutant: 'pm25',
      time: null,
      code: 'READING_INVALID' as const,
      field: 'value',
      reason: 'r',
      record: '',
    };
    expect(
      encodeRejects(Array(2500).fill(reject)).map(
        (m) => (JSON.parse(m.value) as { rejects: unknown[] }).rejects.length,
      ),
    ).toEqual([1000, 1000, 500]);
  });

  it('writes an hour of several stations as columns, what they all share once (format 3), and reads back every reading whole', () => {
    const source = { kind: 'feed' as const, id: 'sh', publishedAt: '2025-03-01T01:05:00+08:00' };
    const hour = ['1141A', '1142A'].flatMap((station) =>
      (['pm25', 'pm10', 'so2', 'no2', 'o3', 'co'] as const).map((pollutant, i) =>
        aReading({
          station,
          pollutant,
          value: i === 2 ? null : 10 + i,
          ...(i === 2 ? { missingReason: 'empty cell' } : {}),
          source,
        }),
      ),
    );
    const [message, more] = encodeReadings(hour);
    expect(more).toBeUndefined();
    const parsed = format3(message?.value);
    expect(parsed.v).toBe(3);
    expect(parsed.n).toBe(12);
    expect(parsed.shared).toEqual({
      time: '2025-03-01T01:00:00+08:00',
      sourceFlag: 'N',
      sourceValid: true,
      status: 'provisional',
      source,
      arrivedAt: '2025-03-01T01:20:00+08:00',
    });
    expect(parsed.columns.station).toEqual([...Array(6).fill('1141A'), ...Array(6).fill('1142A')]);
    expect(parsed.columns.value?.slice(0, 6)).toEqual([10, 11, null, 13, 14, 15]);
    // an optional field a reading does not have is null in its column
    expect(parsed.columns.missingReason?.slice(0, 6)).toEqual([null, null, 'empty cell', null, null, null]);
    expect(Object.keys(parsed.columns).sort()).toEqual(['missingReason', 'pollutant', 'station', 'unit', 'value']);
    expect(readBack(message?.value ?? '')).toEqual(hour);
    // Against every reading written whole (format 1): under a third of the bytes.
    expect(Buffer.byteLength(message?.value ?? '')).toBeLessThan(
      Buffer.byteLength(JSON.stringify({ v: 1, readings: hour })) / 3,
    );
  });

  it('shares only what every reading of the message has the same', () => {
    const mixed = [
      aReading({ arrivedAt: '2025-03-01T01:20:00+08:00' }),
      aReading({ pollutant: 'o3', arrivedAt: '2025-03-01T02:20:00+08:00', sourceFlag: undefined }),
      aReading({ pollutant: 'no2', status: 'audited', source: { kind: 'push', id: 'shanghai' } }),
    ];
    const [message] = encodeReadings(mixed);
    expect(Object.keys(format3(message?.value).shared).sort()).toEqual([
      'sourceValid',
      'station',
      'time',
      'unit',
      'value',
    ]);
    expect(format3(message?.value).columns.sourceFlag).toEqual(['N', null, 'N']);
    expect(readBack(message?.value ?? '')).toEqual(mixed);
  });
});
