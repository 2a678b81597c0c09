import type { ComplianceQuery, ComplianceResponse, StationListVersion } from '../../schemas';
import { ANNUAL_ITEMS, annualStatistic, judgeAnnual, type AnnualPollutant } from './annual';
import { roundGbt8170 } from './aqi';
import { cityDays, type AreaDay } from './areas';
import type { StationDay } from './stats-queries';

/**
 * A year that straddles the change of regime (2026: GB 3095-2012 to 2026-02-28, GB 3095-2026 from
 * 2026-03-01) reported in parts, each under its own limits: the part's mean and percentile of the
 * area's daily values (a province or region: the mean of its cities'), judged indicatively since
 * a part cannot meet the 324-day rule.
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
      ? stationDays.flatMap((d) =>
          d.valid && d.value !== null
            ? [{ area: d.station, day: d.day, statistic: d.statistic, value: d.value, n: 1 }]
            : [],
        )
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
      return {
        pollutant: p,
        nValid: perGroup.length ? Math.min(...perGroup.map((s) => s.nValid)) : 0,
        mean,
        percentile: { p: ANNUAL_ITEMS[p].percentile, value: pv },
        complies: withData.length ? judgeAnnual(p, mean, pv, part.regime) : null,
      };
    });
    return { ...part, pollutants };
  });
}
