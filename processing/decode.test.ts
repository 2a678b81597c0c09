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
});
