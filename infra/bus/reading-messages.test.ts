import { describe, expect, it } from 'vitest';
import { hourlyReadings } from '../../test/helpers/readings';
import { encodeReadings, encodeRejects } from './reading-messages';

describe('bus message encoding', () => {
  it('keys messages by station and keeps them under Kafka\'s 1 MB default', () => {
    const readings = hourlyReadings({ stations: ['1141A', '1142A'], pollutants: ['pm25', 'o3', 'co'], startMs: Date.UTC(2024, 0, 1), hours: 24 * 40, valueOf: () => 1 });
    const messages = encodeReadings(readings);
    expect(new Set(messages.map((m) => m.key))).toEqual(new Set(['1141A', '1142A']));
    for (const m of messages) expect(Buffer.byteLength(m.value)).toBeLessThan(1_000_000);
    const decoded = messages.flatMap((m) => (JSON.parse(m.value) as { readings: unknown[] }).readings);
    expect(decoded).toEqual(readings.filter((r) => r.station === '1141A').concat(readings.filter((r) => r.station === '1142A')));
  });

  it('keeps a station\'s readings in order across its messages', () => {
    const readings = hourlyReadings({ stations: ['1141A'], pollutants: ['pm25'], startMs: Date.UTC(2024, 0, 1), hours: 1200, valueOf: (_s, _p, h) => h });
    const values = encodeReadings(readings).flatMap((m) => (JSON.parse(m.value) as { readings: { value: number }[] }).readings.map((r) => r.value));
    expect(values).toEqual(Array.from({ length: 1200 }, (_, h) => h));
  });

  it('packs rejects 1,000 to a message', () => {
    const reject = { receivedAt: '2025-01-01T00:00:00Z', centre: 'anhui', sourceKind: 'feed' as const, sourceId: 'f', recordIndex: 0, station: 'x', pollutant: 'pm25', time: null, code: 'READING_INVALID' as const, field: 'value', reason: 'r', record: '' };
    expect(encodeRejects(Array(2500).fill(reject)).map((m) => (JSON.parse(m.value) as { rejects: unknown[] }).rejects.length)).toEqual([1000, 1000, 500]);
  });
});
