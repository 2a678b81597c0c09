import type { ForecastStore, StationQueries } from '../api';
import { checkForecasts } from '../ingest';
import { addDays, cstDayOf, DAY_MS, type Logger } from '../kernel';
import type { AqiQuery, AqiResponse, Province } from '../schemas';

/** Days back the demo keeps verifiable: the simulated centres' forecasts for each complete day. */
const DEMO_FORECAST_DAYS = 14;
const LEADS = [0, 1, 2, 3, 4, 5, 6, 7];
const FIRST_RUN_DELAY_MS = 90_000;

export interface DemoForecastDeps {
  aqi: (q: AqiQuery) => Promise<AqiResponse>;
  store: ForecastStore;
  stations: StationQueries;
  logger: Logger;
  seed?: number;
}

/**
 * The demo's forecasts (`npm start` on the built-in simulator): once the pipeline has run a while
 * and then daily, each simulated centre's forecasts of known skill (tools/simulator/forecasts.ts) for
 * the last complete days it has not yet forecast, made around the observed city AQI of /v1/aqi and
 * put through the intake's checks (ingest `checkForecasts`) into the forecast store — so
 * `/v1/forecasts/verification` and the consultation have something to show. A failure is logged and
 * retried the next day. Returns the stopper of the timers.
 */
export function scheduleDemoForecasts(deps: DemoForecastDeps): () => Promise<void> {
  const log = deps.logger.child({ module: 'demo-forecasts' });
  const safeRun = (): void =>
    void recordDemoForecasts(deps, Date.now()).then(
      (r) => log.info(r, 'demo forecasts recorded'),
      (err: unknown) => log.error({ err }, 'demo forecasts failed; retrying tomorrow'),
    );
  const first = setTimeout(safeRun, FIRST_RUN_DELAY_MS);
  const daily = setInterval(safeRun, DAY_MS);
  first.unref();
  daily.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(daily);
  };
}

/** One run of the demo job at `nowMs`: the forecasts of the complete days not yet forecast. */
export async function recordDemoForecasts(
  deps: DemoForecastDeps,
  nowMs: number,
): Promise<{ stored: number; days: number }> {
  const { simulatedForecasts, SIM_FORECAST_SKILL } = await import('../tools/simulator');
  const today = cstDayOf(nowMs);
  const days = Array.from({ length: DEMO_FORECAST_DAYS }, (_, i) => addDays(today, i - DEMO_FORECAST_DAYS));
  const list = await deps.stations.current({ atMs: nowMs });
  const cities = new Map<string, Province>((list?.stations ?? []).map((s) => [s.city, s.province]));
  const observed = new Map<string, { aqi: number; primary: string[] }>();
  for (const date of days) {
    for (const r of (await deps.aqi({ level: 'region', id: 'yrd', date })).results)
      if (r.aqi !== null) observed.set(`${r.area}|${date}`, { aqi: r.aqi, primary: r.primary });
  }
  let stored = 0;
  for (const centre of Object.keys(SIM_FORECAST_SKILL) as (keyof typeof SIM_FORECAST_SKILL)[]) {
    const done = new Set(
      (await deps.store.inForce({ fromDay: days[0], toDay: days.at(-1), source: centre })).map((f) => f.validDate),
    );
    const records = simulatedForecasts({
      seed: deps.seed ?? 20_250_301,
      centre,
      cities: [...cities].filter(([, p]) => p === centre).map(([c]) => c),
      validDates: days.filter((d) => !done.has(d)),
      leads: LEADS,
      observed: (city, day) => observed.get(`${city}|${day}`)?.aqi,
      primaryOf: (city, day) => observed.get(`${city}|${day}`)?.primary,
    });
    const { accepted } = checkForecasts({
      centre,
      body: records,
      format: 'json',
      cities,
      receivedAtMs: nowMs,
    });
    await deps.store.record(accepted);
    stored += accepted.length;
  }
  return { stored, days: days.length };
}
