import { describe, expect, it } from 'vitest';
import { labelFactors } from './factor-labels';

describe('labelFactors', () => {
  it('names each factor by the first marker it holds at least half of, with the share as the reason', () => {
    const species = ['pm25', 'so2', 'no2', 'o3', 'nh4', 'so4', 'cl'];
    // rows: factor profiles
    const f = Float64Array.from([
      // secondary: most nh4 and so4
      20, 0, 0, 0, 4, 6, 0,
      // coal: most so2, cl
      5, 8, 1, 0, 0.2, 1, 0.3,
      // traffic: most no2
      4, 0.5, 20, 0, 0, 0.1, 0,
      // photochemical
      0.5, 0, 0, 40, 0, 0, 0,
    ]);
    const labels = labelFactors(species, f, 4);
    expect(labels.map((l) => l.label)).toEqual([
      'secondary inorganic aerosol',
      'coal combustion and industry',
      'traffic (vehicle exhaust)',
      'photochemical (secondary ozone)',
    ]);
    // so2 share of factor 2: 8 / (0 + 8 + 0.5 + 0) = 94 %
    expect(labels[1]!.reason).toBe('so2: 94 % of its modelled total is in this factor');
  });

  it('falls back to secondary aerosol for a PM2.5 factor without markers, else mixed', () => {
    const species = ['pm25', 'so2', 'no2', 'co'];
    const f = Float64Array.from([10, 0.1, 0.1, 0.01, 3, 0.9, 0.8, 0.2]);
    const labels = labelFactors(species, f, 2);
    expect(labels[0]!.label).toBe('secondary aerosol');
    expect(labels[1]!.label).toBe('coal combustion and industry');
    const mixed = labelFactors(['pm25', 'no2'], Float64Array.from([1, 1, 1.5, 1.5]), 2);
    expect(mixed[0]!.label).toBe('mixed / unresolved');
  });
});
