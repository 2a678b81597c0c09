import { describe, expect, it } from 'vitest';
import { aReading, hourlyReadings } from '../../test/helpers/readings';
import { zReadingBatch } from '../../schemas/reading-batch';
import type { Reading } from '../../schemas/reading';
import { encodeReadings, encodeRejects } from './reading-messages';

/** What a consumer reads back from a message (processing/decode.ts validates with this schema). */
const readBack = (value: string): Reading[] => zReadingBatch.parse(JSON.parse(value)).readings;

describe('bus message encoding', () => {
  it('keys messages by station and keeps them under Kafka\'s 1 MB default', () => {
    const readings = hourlyReadings({ stations: ['1141A', '1142A'], pollutants: ['pm25', 'o3', 'co'], startMs: Date.UTC(2024, 0, 1), hours: 24 * 40, valueOf: () => 1 });
    const messages = encodeReadings(readings);
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(['1141A', '1142A']));
    for (const m of messages) expect(Buffer.byteLength(m.value)).toBeLessThan(1_000_000);
    const decoded = messages.flatMap((m) => readBack(m.value));
    expect(decoded).toEqual(readings.filter((r) => r.station === '1141A').concat(readings.filter((r) => r.station === '1142A')));
  });

  it('keeps a station\'s readings in order across its messages', () => {
    const readings = hourlyReadings({ stations: ['1141A'], pollutants: ['pm25'], startMs: Date.UTC(2024, 0, 1), hours: 1200, valueOf: (_s, _p, h) => h });
    const values = encodeReadings(readings).flatMap((m) => readBack(m.value).map((r) => r.value));
    expect(values).toEqual(Array.from({ length: 1200 }, (_, h) => h));
  });

  it('packs rejects 1,000 to a message', () => {
    const reject = { receivedAt: '2025-01-01T00:00:00Z', centre: 'anhui', sourceKind: 'feed' as const, sourceId: 'f', recordIndex: 0, station: 'x', pollutant: 'pm25', time: null, code: 'READING_INVALID' as const, field: 'value', reason: 'r', record: '' };
    expect(encodeRejects(Array(2500).fill(reject)).map((m) => (JSON.parse(m.value) as { rejects: unknown[] }).rejects.length)).toEqual([1000, 1000, 500]);
  });

  it('writes what a station-hour\'s readings share once (format 2), and reads back every reading whole', () => {
    const hour = (['pm25', 'pm10', 'so2', 'no2', 'o3', 'co'] as const).map((pollutant, i) =>
      aReading({ pollutant, value: i === 2 ? null : 10 + i, ...(i === 2 ? { missingReason: 'empty cell' } : {}), source: { kind: 'feed', id: 'sh', publishedAt: '2025-03-01T01:05:00+08:00' } }),
    );
    const [message] = encodeReadings(hour);
    const parsed = JSON.parse(message?.value ?? '') as { v: number; shared: Record<string, unknown>; readings: Record<string, unknown>[] };
    expect(parsed.v).toBe(2);
    // unit differs (co is in mg/m³): it stays with each reading; the rest is written once.
    expect(Object.keys(parsed.shared).sort()).toEqual(['arrivedAt', 'source', 'sourceFlag', 'sourceValid', 'station', 'status', 'time']);
    expect(parsed.readings[0]).toEqual({ pollutant: 'pm25', value: 10, unit: 'µg/m³' });
    expect(readBack(message?.value ?? '')).toEqual(hour);
    // Against every reading written whole (format 1): well under half the bytes.
    expect(Buffer.byteLength(message?.value ?? '')).toBeLessThan(0.5 * Buffer.byteLength(JSON.stringify({ v: 1, readings: hour })));
  });

  it('shares only what every reading of the message has the same', () => {
    const mixed = [aReading({ arrivedAt: '2025-03-01T01:20:00+08:00' }), aReading({ pollutant: 'o3', arrivedAt: '2025-03-01T02:20:00+08:00', sourceFlag: undefined }), aReading({ pollutant: 'no2', status: 'audited', source: { kind: 'push', id: 'shanghai' } })];
    const [message] = encodeReadings(mixed);
    expect(Object.keys((JSON.parse(message?.value ?? '') as { shared: object }).shared).sort()).toEqual(['sourceValid', 'station', 'time', 'unit']);
    expect(readBack(message?.value ?? '')).toEqual(mixed);
  });
});