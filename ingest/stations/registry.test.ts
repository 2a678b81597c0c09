import { describe, expect, it } from 'vitest';
import type { Station } from '../../schemas/station';
import { createStationRegistry, ownsStation } from './registry';

const st = (code: string, province: Station['province'], city = 'x'): Station => ({
  code,
  name: code,
  city,
  countyCity: '',
  province,
  lon: 120,
  lat: 31,
  control: false,
  stopped: false,
});

describe('station registry versions', () => {
  const registry = createStationRegistry([
    { version: 'v2024', validFrom: '2024-01-01', stations: [st('1141A', 'shanghai', 'moved'), st('3999A', 'anhui')] },
    { version: 'v2013', validFrom: '2013-01-01', stations: [st('1141A', 'shanghai'), st('1142A', 'shanghai')] },
  ]);

  it('answers with the version valid at the time, switching at CST midnight', () => {
    expect(registry.lookup('1141A', Date.parse('2023-12-31T23:00:00+08:00'))?.city).toBe('x');
    expect(registry.lookup('1141A', Date.parse('2024-01-01T00:00:00+08:00'))?.city).toBe('moved');
    expect(registry.lookup('1142A', Date.parse('2024-06-01T00:00:00+08:00'))).toBeUndefined(); // closed in 2024
    expect(registry.lookup('3999A', Date.parse('2023-06-01T00:00:00+08:00'))).toBeUndefined(); // not yet open
  });

  it('judges dates before every version by the earliest list', () => {
    expect(registry.versionAt(Date.parse('2010-01-01T00:00:00Z'))?.version).toBe('v2013');
  });

  it('lets a province own its stations and the coordinator own all', () => {
    expect(ownsStation('shanghai', st('1141A', 'shanghai'))).toBe(true);
    expect(ownsStation('jiangsu', st('1141A', 'shanghai'))).toBe(false);
    expect(ownsStation('coordinator', st('1141A', 'shanghai'))).toBe(true);
  });
});
