import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import { decodeMessage } from './decode';

const msg = (value: string, key: string | null = '1141A') => ({ key, value, partition: 0, offset: '7' });

describe('decodeMessage', () => {
  it('returns the readings of a well-formed batch', () => {
    const r = aReading();
    expect(decodeMessage(msg(JSON.stringify({ v: 1, readings: [r] })))).toEqual({
      kind: 'ok',
      value: { v: 1, readings: [r], rejects: [], refused: [] },
    });
  });

  it('dead-letters text that is not JSON', () => {
    const out = decodeMessage(msg('{"v":1,'));
    expect(out).toMatchObject({ kind: 'deadLetter', code: 'MESSAGE_MALFORMED' });
    expect(out.kind === 'deadLetter' && out.reason).toMatch(/^not JSON/);
  });

  it('refuses a reading that fails its checks, naming it and its field, and keeps the others', () => {
    const bad = { ...aReading({ pollutant: 'o3' }), time: '2025-03-01 01:00:00' };
    const out = decodeMessage(msg(JSON.stringify({ v: 1, readings: [aReading(), bad] })));
    expect(out.kind === 'ok' && out.value.readings).toEqual([aReading()]);
    expect(out.kind === 'ok' && out.value.refused).toEqual([
      {
        index: 1,
        reasons: expect.arrayContaining([expect.stringMatching(/^readings\.1\.time: expected an ISO 8601 instant/)]),
        written: bad,
      },
    ]);
  });

  it('refuses a reading filed under another station key', () => {
    const out = decodeMessage(msg(JSON.stringify({ v: 1, readings: [aReading({ station: '1142A' })] })));
    expect(out.kind === 'deadLetter' && out.reason).toBe('reading for station 1142A under message key 1141A');
  });

  it('reads format 2: each reading is the shared fields overlaid with its own', () => {
    const shared = {
      station: '1141A',
      time: '2025-03-01T01:00:00+08:00',
      status: 'provisional',
      source: { kind: 'feed', id: 'f' },
      arrivedAt: '2025-03-01T01:20:00+08:00',
      sourceValid: true,
    };
    const out = decodeMessage(
      msg(
        JSON.stringify({
          v: 2,
          shared,
          readings: [
            { pollutant: 'pm25', value: 35, unit: 'µg/m³' },
            { pollutant: 'co', value: 0.6, unit: 'mg/m³', sourceValid: false },
          ],
        }),
      ),
    );
    expect(out.kind === 'ok' && out.value.readings).toEqual([
      { ...shared, pollutant: 'pm25', value: 35, unit: 'µg/m³' },
      { ...shared, pollutant: 'co', value: 0.6, unit: 'mg/m³', sourceValid: false },
    ]);
  });

  it('names the reading and field that is wrong in format 2, shared or not', () => {
    const shared = {
      station: '1141A',
      time: '2025-03-01 01:00:00',
      status: 'provisional',
      source: { kind: 'feed', id: 'f' },
      arrivedAt: '2025-03-01T01:20:00+08:00',
      sourceValid: true,
    };
    // a shared field is checked once, and named where it is written
    const out = decodeMessage(
      msg(JSON.stringify({ v: 2, shared, readings: [{ pollutant: 'pm25', value: 35, unit: 'µg/m³' }] })),
    );
    expect(out.kind === 'deadLetter' && out.reason).toContain('shared.time: expected an ISO 8601 instant');
    const unknown = decodeMessage(
      msg(
        JSON.stringify({
          v: 2,
          shared: { ...shared, time: '2025-03-01T01:00:00+08:00' },
          readings: [{ pollutant: 'pm1', value: 35, unit: 'µg/m³' }],
        }),
      ),
    );
    expect(unknown.kind === 'ok' && unknown.value.refused.map((r) => r.reasons)).toEqual([
      [expect.stringMatching(/^readings\.0\.pollutant: /)],
    ]);
    const notAnObject = decodeMessage(msg(JSON.stringify({ v: 2, shared: 'x', readings: [{ pollutant: 'pm25' }] })));
    expect(notAnObject.kind === 'deadLetter' && notAnObject.reason).toContain('shared');
    // what neither the reading nor shared gives, and what they give together, per reading
    const { status: _s, ...noStatus } = { ...shared, time: '2025-03-01T01:00:00+08:00' };
    const missing = decodeMessage(
      msg(
        JSON.stringify({
          v: 2,
          shared: noStatus,
          readings: [
            { pollutant: 'pm25', value: 35, unit: 'µg/m³', status: 'audited' },
            { pollutant: 'pm10', value: 50, unit: 'µg/m³' },
          ],
        }),
      ),
    );
    expect(missing.kind === 'ok' && missing.value.readings.map((r) => r.pollutant)).toEqual(['pm25']);
    expect(missing.kind === 'ok' && missing.value.refused).toEqual([
      {
        index: 1,
        reasons: ['readings.1.status: required (in the reading or in shared)'],
        written: { pollutant: 'pm10', value: 50, unit: 'µg/m³' },
      },
    ]);
    const nullValue = decodeMessage(
      msg(
        JSON.stringify({
          v: 2,
          shared: { ...shared, time: '2025-03-01T01:00:00+08:00' },
          readings: [{ pollutant: 'pm25', value: null, unit: 'µg/m³' }],
        }),
      ),
    );
    expect(nullValue.kind === 'ok' && nullValue.value.refused.map((r) => r.reasons)).toEqual([
      ['readings.0.missingReason: a null value needs a missingReason'],
    ]);
  });

  describe('format 3 (columns)', () => {
    const shared = {
      time: '2025-03-01T01:00:00+08:00',
      status: 'provisional',
      source: { kind: 'feed', id: 'f' },
      arrivedAt: '2025-03-01T01:20:00+08:00',
      sourceValid: true,
    };
    const columns = {
      station: ['1141A', '1142A', '1142A'],
      pollutant: ['pm25', 'pm25', 'co'],
      value: [35, null, 0.6],
      unit: ['µg/m³', 'µg/m³', 'mg/m³'],
      missingReason: [null, '—', null],
    };
    const v3 = (over: Record<string, unknown> = {}): string => JSON.stringify({ v: 3, n: 3, shared, columns, ...over });
    const reason = (value: string): string | false => {
      const out = decodeMessage(msg(value, null));
      return out.kind === 'deadLetter' && out.reason;
    };

    it('reads n readings of several stations: shared fields under each, a column\'s null as "not given"', () => {
      const out = decodeMessage(msg(v3(), null));
      expect(out.kind === 'ok' && out.value.readings).toEqual([
        { ...shared, station: '1141A', pollutant: 'pm25', value: 35, unit: 'µg/m³' },
        { ...shared, station: '1142A', pollutant: 'pm25', value: null, unit: 'µg/m³', missingReason: '—' },
        { ...shared, station: '1142A', pollutant: 'co', value: 0.6, unit: 'mg/m³' },
      ]);
    });

    it('refuses each reading with a bad value in a column, naming it and the field, and keeps the rest', () => {
      const refusedOf = (value: string) => {
        const out = decodeMessage(msg(value, null));
        return out.kind === 'ok' ? { kept: out.value.readings.length, refused: out.value.refused } : out;
      };
      expect(refusedOf(v3({ columns: { ...columns, station: ['1141A', 'no such code!', 'no such code!'] } }))).toEqual({
        kept: 1,
        refused: [1, 2].map((index) => ({
          index,
          reasons: [`readings.${index}.station: expected a station code such as 1141A`],
          written: {
            ...shared,
            station: 'no such code!',
            pollutant: columns.pollutant[index],
            value: columns.value[index],
            unit: columns.unit[index],
            missingReason: columns.missingReason[index],
          },
        })),
      });
      expect(refusedOf(v3({ columns: { ...columns, value: [35, null, 'x'] } }))).toMatchObject({
        kept: 2,
        refused: [{ index: 2, reasons: [expect.stringMatching(/^readings\.2\.value: /)] }],
      });
      expect(refusedOf(v3({ columns: { ...columns, missingReason: [null, null, null] } }))).toMatchObject({
        kept: 2,
        refused: [{ index: 1, reasons: ['readings.1.missingReason: a null value needs a missingReason'] }],
      });
      const { status: _s, ...noStatus } = shared;
      expect(refusedOf(v3({ shared: noStatus }))).toMatchObject({
        kept: 0,
        refused: [0, 1, 2].map((i) => ({
          index: i,
          reasons: [`readings.${i}.status: required (in the reading or in shared)`],
        })),
      });
    });

    it("names what is wrong with the message's shape", () => {
      expect(reason(v3({ shared: { ...shared, time: '2025-03-01 01:00' } }))).toMatch(
        /^not a reading batch: shared\.time: expected an ISO 8601 instant/,
      );
      expect(reason(v3({ n: 4 }))).toContain('columns.station: 3 values for 4 readings');
      expect(reason(v3({ columns: { ...columns, colour: ['a', 'b', 'c'] } }))).toBe(
        'not a reading batch: columns.colour: not a reading field',
      );
      expect(reason(v3({ shared: { ...shared, unit: 'µg/m³' } }))).toBe(
        'not a reading batch: columns.unit: given in shared too',
      );
      expect(reason(v3({ columns: { ...columns, station: '1141A' } }))).toContain('columns.station: expected an array');
      expect(reason(v3({ n: undefined }))).toBe('not a reading batch: n: format 3 needs n, the number of readings');
      expect(reason(v3({ n: 2001 }))).toBe(
        'not a reading batch: n: expected a whole number of readings from 1 to 2000',
      );
      expect(reason(v3({ n: 2.5 }))).toBe('not a reading batch: n: expected a whole number of readings from 1 to 2000');
      // n means nothing to formats 1 and 2, and a format-2 shared of null is refused as before
      expect(decodeMessage(msg(JSON.stringify({ v: 1, n: 0, readings: [aReading()] }))).kind).toBe('ok');
      expect(
        decodeMessage(msg(JSON.stringify({ v: 2, shared: null, readings: [{ pollutant: 'pm25' }] }))),
      ).toMatchObject({ kind: 'deadLetter', reason: expect.stringMatching(/^not a reading batch: shared: /) });
    });

    it('still refuses a reading filed under another station key', () => {
      expect(decodeMessage(msg(v3(), '1141A'))).toEqual({
        kind: 'deadLetter',
        code: 'MESSAGE_MALFORMED',
        reason: 'reading for station 1142A under message key 1141A',
      });
    });
  });
});
