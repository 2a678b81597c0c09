import { describe, expect, it } from 'vitest';
import { bundledVersion } from '../../ingest/stations/registry-files';
import type { ComplianceQuery } from '../../schemas';
import { partsOfRegimes } from './regime-parts';
import type { StationDay } from './stats-queries';

const list = bundledVersion();
const pm25 = (station: string, day: string, value: number): StationDay => ({
  station,
  day,
  statistic: 'pm25',
  value,
  nValid: 24,
  valid: true,
  converted: false,
  exceedanceException: false,
  nAudited: 0,
});
const q = (level: ComplianceQuery['level'], id: string): ComplianceQuery => ({
  level,
  id,
  year: 2026,
  status: 'all',
  rank: false,
});

describe('parts of a year across the 2026-03-01 regime change (docs/standards.md §2.1, §7.4)', () => {
  // 1141A (上海): two days of PM2.5 80 before the change, two after — far above both annual limits.
  const days = ['2026-01-10', '2026-02-20', '2026-03-10', '2026-04-20'].map((d) => pm25('1141A', d, 80));

  it('reports each part’s statistics but does not judge them: no rule for part of a year', () => {
    const parts = partsOfRegimes(q('station', '1141A'), days, () => list, new Set(['上海']));
    expect(parts?.map((p) => [p.regime, p.pollutants.find((s) => s.pollutant === 'pm25')])).toEqual([
      [
        '2012',
        {
          pollutant: 'pm25',
          nValid: 2,
          mean: 80,
          percentile: { p: 95, value: 80 },
          complies: null,
          reason:
            'not judged: 2 valid days, fewer than the 324 an annual statistic needs, and GB 3095 Table 4 has no rule for part of a year (docs/standards.md §2.1)',
        },
      ],
      ['2026', expect.objectContaining({ nValid: 2, mean: 80, complies: null })],
    ]);
  });

  it('a province: the mean of its cities’ parts, not judged either', () => {
    const parts = partsOfRegimes(q('province', 'shanghai'), days, () => list, new Set(['上海']));
    const part = parts?.[0]?.pollutants.find((s) => s.pollutant === 'pm25');
    expect([part?.mean, part?.complies]).toEqual([80, null]);
    expect(part?.reason).toMatch(/^not judged: 2 valid days in its least-covered city/);
  });

  it('only a year that straddles the change has parts', () => {
    expect(partsOfRegimes({ ...q('station', '1141A'), year: 2025 }, days, () => list, new Set())).toBeNull();
  });
});
