/**
 * The `years` section: whole years of archive files for the simulator's 330 stations, backfilled
 * into an empty store as `yrd-air backfill` stores them (no Kafka), one year and then two, so the
 * growth between them shows what a decade costs; `--decade` adds ten years. Each size: readings/s
 * beside the engine loading the very revisions it stored (once: a year's dump is gigabytes), peak
 * RSS, the store's bytes on disk, and `/v1/series` and `/v1/compliance` timed on the result.
 * `--quick` runs one and two months instead.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../api';
import { ADAPTERS, bundledVersion, createStationRegistry, runBackfill } from '../../ingest';
import {
  createClickHouseSeriesQueries,
  createClickHouseStationQueries,
  createClickHouseStatsQueries,
  prepareStore,
  startInProcessPipeline,
  type StoreConnection,
} from '../../infra';
import { cstMidnightMs, DAY_MS, cstDayOf } from '../../kernel';
import { areaCompliance, seriesSpec } from '../../views';
import { createModel, createPublication, simulatedStations, writeArchive } from '../simulator';
import {
  db,
  fmt,
  logger,
  measured,
  note,
  percentiles,
  quick,
  ratioText,
  referenceLoads,
  spreadOf,
  spreadText,
} from './common';

const decade = process.argv.includes('--decade');
/** The simulator's default seed, as a first start's history uses it. */
const SEED = 20_250_301;
/** The sizes run: days of archive files ending 2025-12-31. */
const SIZES: readonly { name: string; days: number }[] = quick
  ? [
      { name: '1 month', days: 31 },
      { name: '2 months', days: 62 },
    ]
  : [
      { name: '1 year', days: 365 },
      { name: '2 years', days: 730 },
      ...(decade ? [{ name: '10 years', days: 3_652 }] : []),
    ];
const LAST_DAY = '2025-12-31';

async function bytesOnDisk(s: StoreConnection): Promise<number> {
  const [row] = await (
    await s.client.query({
      query: `SELECT sum(bytes_on_disk) AS b FROM system.parts WHERE database = {db:String} AND active`,
      query_params: { db: s.database },
      format: 'JSONEachRow',
    })
  ).json<{ b: string }>();
  return Number(row?.b ?? 0);
}

/** The API over `s` with the two views this section times; every other view refuses. */
async function appOver(s: StoreConnection): Promise<Awaited<ReturnType<typeof buildApp>>> {
  const stations = createClickHouseStationQueries(s);
  const series = createClickHouseSeriesQueries(s);
  const stats = createClickHouseStatsQueries(s);
  const versions = () => stations.versions();
  const refuse = async (): Promise<never> => Promise.reject(new Error('not benchmarked'));
  return buildApp({
    logger,
    readiness: {},
    dashboard: false,
    views: {
      series: async (q, r) => series.page(seriesSpec(q, r, await versions()), q.format),
      compliance: (q) => areaCompliance({ queries: stats, series, versions }, q),
      forecast: refuse,
      trends: refuse,
      aqi: refuse,
      aqiLatest: refuse,
      aqiHourly: refuse,
      ozone: refuse,
      apportionment: { regional: refuse, transport: refuse, factors: refuse },
    },
  });
}

export async function yearsBench(store: StoreConnection, dir: string): Promise<void> {
  const list = bundledVersion();
  const stations = simulatedStations();
  const publication = createPublication(SEED, createModel(SEED));
  const grown: { name: string; readings: number; rate: number; rss: number; disk: number }[] = [];
  for (const size of SIZES) {
    const fromDate = cstDayOf(cstMidnightMs(LAST_DAY) - (size.days - 1) * DAY_MS);
    const archive = join(dir, `archive-${size.days}`);
    mkdirSync(archive, { recursive: true });
    const files = writeArchive({ dir: archive, fromDate, toDate: LAST_DAY, stations, publication });
    const s = db(store, `bench_years_${size.days}`);
    await prepareStore(s, logger, [list]);
    const pipeline = startInProcessPipeline(s, logger, { maxBatchMessages: 2_000 });
    const run = await measured(() =>
      runBackfill({
        files,
        sink: pipeline.sink,
        registry: createStationRegistry([list]),
        archive: ADAPTERS['cnemc-archive'],
        stateFile: join(dir, `years-state-${size.days}.json`),
        force: true,
      }),
    );
    await pipeline.stop();
    rmSync(archive, { recursive: true, force: true });
    const readings = run.value.readings;
    const rate = readings / (run.ms / 1000);
    const disk = await bytesOnDisk(s);
    const dump = join(dir, `years-${size.days}.jsonl`);
    const reference = spreadOf((await referenceLoads(s, dump, 1)).rates);
    rmSync(dump, { force: true });
    const ours = spreadOf([rate]);
    note(
      `backfill of ${size.name} of simulated archive files (${files.length} files, 330 stations), ${fmt(readings)} readings`,
      spreadText(ours),
      `${spreadText(reference)}, engine loading the same revisions (file() JSONEachRow)`,
      ratioText(ours, reference),
      `${fmt(run.ms / 1000)} s; peak RSS ${fmt(run.peakRssMb)} MB; store on disk ${fmt(disk / 1e6)} MB (${fmt(disk / readings)} B/reading)`,
    );
    grown.push({ name: size.name, readings, rate, rss: run.peakRssMb, disk });

    // The views a modeler and a coordinator open first, on what was just stored.
    const app = await appOver(s);
    const year = LAST_DAY.slice(0, 4);
    const urls: [string, string][] = [
      [
        `/v1/series the four provinces, PM2.5 daily, ${fromDate} to ${LAST_DAY}`,
        `/v1/series?level=province&id=shanghai,jiangsu,zhejiang,anhui&pollutant=pm25&resolution=day&from=${fromDate}&to=${LAST_DAY}&limit=1000000`,
      ],
      [`/v1/compliance region yrd, ${year}`, `/v1/compliance?level=region&id=yrd&year=${year}`],
    ];
    for (const [what, url] of urls) {
      const ms: number[] = [];
      for (let i = 0; i < (quick ? 3 : 5); i++) {
        const t0 = performance.now();
        const res = await app.inject(url);
        ms.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
      const p = percentiles(ms);
      note(
        `${what}, on the ${size.name} stored`,
        `p50 ${fmt(p.p50)} ms, p95 ${fmt(p.p95)} ms`,
        '',
        '',
        `${ms.length} runs`,
      );
    }
    await app.close();
    await s.client.command({ query: `DROP DATABASE ${s.database}` });
  }
  const [first, ...rest] = grown;
  for (const g of rest) {
    if (!first) break;
    note(
      `growth ${first.name} → ${g.name}`,
      `readings ×${(g.readings / first.readings).toFixed(2)}`,
      '',
      '',
      `readings/s ×${(g.rate / first.rate).toFixed(2)}, peak RSS ×${(g.rss / first.rss).toFixed(2)}, disk ×${(g.disk / first.disk).toFixed(2)}`,
    );
  }
}
