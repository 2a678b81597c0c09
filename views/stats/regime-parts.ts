import type { ComplianceQuery, ComplianceResponse, StationListVersion } from '../../schemas';
import { ANNUAL_ITEMS, annualStatistic, judgeAnnual, type AnnualPollutant } from './annual';
import { roundGbt8170 } from './aqi';
import { cityDays, stationOwnDays, type AreaDay } from './areas';
import { VALIDITY } from './standards';
import type { StationDay } from './stats-queries';

/**
 * A year that straddles the change of regime (2026: GB 3095-2012 to 2026-02-28, GB 3095-2026 from
 * 2026-03-01) reported in parts, each under its own limits: the part's mean and percentile of the
 * area's daily values (a province or region: the mean of its cities' with valid days). A part is
 * judged only as an annual statistic would be, with ≥ 324 valid days (in every city of an area):
 * GB 3095 Table 4 has no rule for part of a year (docs/standards.md §2.1, §2.3), and neither part
 * (59 and 306 days) can hold 324 — so `complies` is null, with the reason.
 */
export function partsOfRegimes(
  q: ComplianceQuery,
  stationDays: readonly StationDay[],
  versionAt: (day: string) => StationListVersion | undefined,
  cityNames: ReadonlySet<string>,
): ComplianceResponse['regimeParts'] {
  const changeover = '2026-03-01';
  if (`${q.year}-01-01` >= changeover || `${q.year}-12-31` < changeover) return null;
  const parts = [
    { from: `${q.year}-01-01`, to: '2026-02-28', regime: '2012' as const },
    { from: changeover, to: `${q.year}-12-31`, regime: '2026' as const },
  ];
  const areaDays: AreaDay[] =
    q.level === 'station'
      ? stationOwnDays(stationDays, versionAt)
      : cityDays(stationDays, versionAt).filter((c) => cityNames.has(c.area));
  const groups = q.level === 'station' ? [...new Set(areaDays.map((d) => d.area))] : [...cityNames];
  return parts.map((part) => {
    const pollutants = (Object.keys(ANNUAL_ITEMS) as AnnualPollutant[]).map((p) => {
      const perGroup = groups.map((g) => {
        const days = areaDays
          .filter(
            (d) => d.area === g && d.day >= part.from && d.day <= part.to && d.statistic === ANNUAL_ITEMS[p].daily,
          )
          .map((d) => ({ day: d.day, value: d.value }));
        return annualStatistic(p, q.year, days, part.regime);
      });
      const withData = perGroup.filter((s) => s.nValid > 0);
      const avg = (xs: (number | null)[]): number | null => {
        const v = xs.filter((x): x is number => x !== null);
        return v.length ? roundGbt8170(v.reduce((a, b) => a + b, 0) / v.length, p === 'co' ? 1 : 0) : null;
      };
      const mean = avg(withData.map((s) => s.mean));
      const pv = avg(withData.map((s) => s.percentile.value));
      const nValid = perGroup.length ? Math.min(...perGroup.map((s) => s.nValid)) : 0;
      const valid = perGroup.length > 0 && perGroup.every((s) => s.meets324);
      const least = q.level === 'province' || q.level === 'region' ? ' in its least-covered city' : '';
      return {
        pollutant: p,
        nValid,
        mean,
        percentile: { p: ANNUAL_ITEMS[p].percentile, value: pv },
        complies: valid ? judgeAnnual(p, mean, pv, part.regime, q.year) : null,
        reason: valid
          ? null
          : `not judged: ${nValid} valid days${least}, fewer than the ${VALIDITY.daysPerYear} an annual statistic ` +
            'needs, and GB 3095 Table 4 has no rule for part of a year (docs/standards.md §2.1)',
      };
    });
    return { ...part, pollutants };
  });
}
