import { describe, expect, it } from 'vitest';
import { aReading } from '../test/helpers/readings';
import { decodeMessage } from './decode';

const msg = (value: string, key: string | null = '1141A') => ({ key, value, partition: 0, offset: '7' });

describe('decodeMessage', () => {
  it('returns the readings of a well-formed batch', () => {
    const r = aReading();
    expect(decodeMessage(msg(JSON.stringify({ v: 1, readings: [r] })))).toEqual({ kind: 'ok', value: { v: 1, readings: [r], rejects: [] } });
  });

  it('dead-letters text that is not JSON', () => {
    const out = decodeMessage(msg('{"v":1,'));
    expect(out).toMatchObject({ kind: 'deadLetter', code: 'MESSAGE_MALFORMED' });
    expect(out.kind === 'deadLetter' && out.reason).toMatch(/^not JSON/);
  });

  it('names the field that is wrong', () => {
    const bad = { ...aReading(), time: '2025-03-01 01:00:00' };
    const out = decodeMessage(msg(JSON.stringify({ v: 1, readings: [bad] })));
    expect(out.kind === 'deadLetter' && out.reason).toContain('readings.0.time');
  });

  it('refuses a reading filed under another station key', () => {
    const out = decodeMessage(msg(JSON.stringify({ v: 1, readings: [aReading({ station: '1142A' })] })));
    expect(out.kind === 'deadLetter' && out.reason).toBe('reading for station 1142A under message key 1141A');
  });

  it('reads format 2: each reading is the shared fields overlaid with its own', () => {
    const shared = { station: '1141A', time: '2025-03-01T01:00:00+08:00', status: 'provisional', source: { kind: 'feed', id: 'f' }, arrivedAt: '2025-03-01T01:20:00+08:00', sourceValid: true };
    const out = decodeMessage(msg(JSON.stringify({ v: 2, shared, readings: [{ pollutant: 'pm25', value: 35, unit: 'µg/m³' }, { pollutant: 'co', value: 0.6, unit: 'mg/m³', sourceValid: false }] })));
    expect(out.kind === 'ok' && out.value.readings).toEqual([
      { ...shared, pollutant: 'pm25', value: 35, unit: 'µg/m³' },
      { ...shared, pollutant: 'co', value: 0.6, unit: 'mg/m³', sourceValid: false },
    ]);
  });

  it('names the reading and field that is wrong in format 2, shared or not', () => {
    const shared = { station: '1141A', time: '2025-03-01 01:00:00', status: 'provisional', source: { kind: 'feed', id: 'f' }, arrivedAt: '2025-03-01T01:20:00+08:00', sourceValid: true };
    // a shared field is checked once, and named where it is written
    const out = decodeMessage(msg(JSON.stringify({ v: 2, shared, readings: [{ pollutant: 'pm25', value: 35, unit: 'µg/m³' }] })));
    expect(out.kind === 'deadLetter' && out.reason).toContain('shared.time: expected an ISO 8601 instant');
    const unknown = decodeMessage(msg(JSON.stringify({ v: 2, shared: { ...shared, time: '2025-03-01T01:00:00+08:00' }, readings: [{ pollutant: 'pm1', value: 35, unit: 'µg/m³' }] })));
    expect(unknown.kind === 'deadLetter' && unknown.reason).toContain('readings.0.pollutant');
    const notAnObject = decodeMessage(msg(JSON.stringify({ v: 2, shared: 'x', readings: [{ pollutant: 'pm25' }] })));
    expect(notAnObject.kind === 'deadLetter' && notAnObject.reason).toContain('shared');
    // what neither the reading nor shared gives, and what they give together, per reading
    const { status: _s, ...noStatus } = { ...shared, time: '2025-03-01T01:00:00+08:00' };
    const missing = decodeMessage(msg(JSON.stringify({ v: 2, shared: noStatus, readings: [{ pollutant: 'pm25', value: 35, unit: 'µg/m³', status: 'audited' }, { pollutant: 'pm10', value: 50, unit: 'µg/m³' }] })));
    expect(missing.kind === 'deadLetter' && missing.reason).toBe('not a reading batch: readings.1.status: required (in the reading or in shared)');
    const nullValue = decodeMessage(msg(JSON.stringify({ v: 2, shared: { ...shared, time: '2025-03-01T01:00:00+08:00' }, readings: [{ pollutant: 'pm25', value: null, unit: 'µg/m³' }] })));
    expect(nullValue.kind === 'deadLetter' && nullValue.reason).toBe('not a reading batch: readings.0.missingReason: a null value needs a missingReason');
  });
});