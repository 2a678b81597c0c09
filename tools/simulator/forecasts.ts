import { addDays, dayNumber } from '../../kernel';
import type { ForecastRecord, Province } from '../../schemas';
import { gaussian, keyOf } from './random';

/**
 * The simulated centres' city forecasts, with a skill known by construction, for tests and the demo:
 * each forecast's range midpoint is the observed AQI plus the centre's error, the range ± 10 around
 * it. Errors grow with the lead (days ahead), and at every lead the three centres keep their order:
 *
 * - Shanghai, **good**: unbiased, standard deviation 3 + lead (mean absolute error ≈ 0.8 σ: 2–8);
 * - Zhejiang, **noisy**: unbiased, standard deviation 25 + 2 × lead (MAE ≈ 20–31);
 * - Jiangsu, **biased high**: 40 + lead too high, standard deviation 3 (MAE ≈ 40–47).
 *
 * Anhui issues none, so the three are the only sources. The simulator does not form AQIs itself:
 * the observed AQI is handed in (a test or the demo reads it from /v1/aqi), and the records go
 * through the same intake as any centre's (`POST /v1/forecasts`, `postForecasts`).
 */
export const SIM_FORECAST_SKILL = {
  shanghai: { skill: 'good', bias: (_lead: number) => 0, sd: (lead: number) => 3 + lead },
  zhejiang: { skill: 'noisy', bias: (_lead: number) => 0, sd: (lead: number) => 25 + 2 * lead },
  jiangsu: { skill: 'biased-high', bias: (lead: number) => 40 + lead, sd: (_lead: number) => 3 },
} as const satisfies Partial<
  Record<Province, { skill: string; bias: (lead: number) => number; sd: (lead: number) => number }>
>;

export type SimForecaster = keyof typeof SIM_FORECAST_SKILL;

/** Half the width of a simulated forecast range, AQI. */
const HALF_RANGE = 10;

const clampAqi = (x: number): number => Math.min(500, Math.max(0, Math.round(x)));

/**
 * One centre's forecasts for its cities: for each valid date with an observed AQI and each lead
 * (issued at 16:00 CST on validDate − lead), a range around observed + bias + noise (seeded, so the
 * same inputs give the same forecasts).
 */
export function simulatedForecasts(opts: {
  seed: number;
  centre: SimForecaster;
  cities: readonly string[];
  validDates: readonly string[];
  leads: readonly number[];
  observed: (city: string, day: string) => number | undefined;
  /** The observed primary pollutant(s), which every centre names (its skill is in the AQI alone). */
  primaryOf?: (city: string, day: string) => readonly string[] | undefined;
}): ForecastRecord[] {
  const { bias, sd } = SIM_FORECAST_SKILL[opts.centre];
  const out: ForecastRecord[] = [];
  for (const city of opts.cities) {
    for (const validDate of opts.validDates) {
      const aqi = opts.observed(city, validDate);
      if (aqi === undefined) continue;
      for (const lead of opts.leads) {
        const noise = gaussian(opts.seed, keyOf(opts.centre), keyOf(city), dayNumber(validDate), lead);
        const mid = aqi + bias(lead) + sd(lead) * noise;
        const aqiLow = clampAqi(mid - HALF_RANGE);
        out.push({
          city,
          source: opts.centre,
          issuedAt: `${addDays(validDate, -lead)}T16:00:00+08:00`,
          validDate,
          aqiLow,
          aqiHigh: Math.max(aqiLow, clampAqi(mid + HALF_RANGE)),
          primary: [...(opts.primaryOf?.(city, validDate) ?? [])] as ForecastRecord['primary'],
        });
      }
    }
  }
  return out;
}

/** Posts forecasts through the intake with a centre's key; returns the answer's counts. */
export async function postForecasts(
  baseUrl: string,
  key: string,
  records: readonly ForecastRecord[],
): Promise<{ accepted: number; rejected: number }> {
  const res = await fetch(`${baseUrl}/v1/forecasts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(records),
  });
  if (res.status !== 202) throw new Error(`POST /v1/forecasts answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { accepted: number; rejected: unknown[] };
  return { accepted: body.accepted, rejected: body.rejected.length };
}
