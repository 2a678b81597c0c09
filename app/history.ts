import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ADAPTERS, createStationRegistry, loadVersions, runBackfill, type ReadingSink } from '../ingest';
import { openStore, removeSourceReadings, startInProcessPipeline, type StoreConnection } from '../infra';
import { cstDayOf, cstMidnightMs, DAY_MS, HOUR_MS, readJsonFile, writeJsonFile, type Logger } from '../kernel';
import type { Config } from '../schemas';

/**
 * The simulated history of a first start: a year (HISTORY_DAYS) of the simulator's stations as
 * national archive files, loaded through the archive backfill like any archive, so `npm start`
 * shows annual views at once. Its files are named for their source, so every reading it stores
 * carries the source id prefix `simulated-history` and `yrd-air history remove` takes exactly them.
 */
export const HISTORY_SOURCE = 'simulated-history';

/** The simulator's default seed: the history is the live simulator's own model before it begins. */
const SIM_SEED = 20_250_301;

const zHistoryState = z.object({
  status: z.enum(['loading', 'done', 'removed']),
  /** First and one-past-last hour-ending instants of the history, epoch ms. */
  fromMs: z.number().int(),
  toMs: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
});
type HistoryState = z.infer<typeof zHistoryState>;

const historyDir = (config: Config): string => join(config.dataDir, 'history');
const stateFile = (config: Config): string => join(historyDir(config), 'state.json');

function readState(config: Config): HistoryState | undefined {
  const raw = readJsonFile(stateFile(config), null);
  return raw === null ? undefined : zHistoryState.parse(raw);
}

/**
 * What a start loads: the plan of an interrupted load (it resumes), or — on a store with no
 * reading and no load ever begun — a new one for the `days` before the live simulator's first
 * hour `originMs`, so the two meet with no gap and no overlap. Nothing once a load finished or was removed.
 */
export function planHistory(config: Config, storeEmpty: boolean, originMs: number): HistoryState | undefined {
  const state = readState(config);
  if (state) return state.status === 'loading' ? state : undefined;
  if (!storeEmpty) return undefined;
  const plan: HistoryState = {
    status: 'loading',
    fromMs: originMs - config.history.days * DAY_MS,
    toMs: originMs,
    startedAt: new Date().toISOString(),
  };
  writeJsonFile(stateFile(config), plan, { indent: 1 });
  return plan;
}

/** The CST dates of the archive files holding the hours [fromMs, toMs), by month. */
function monthsOf(plan: HistoryState): Map<string, string[]> {
  const months = new Map<string, string[]>();
  const last = cstDayOf(plan.toMs - HOUR_MS);
  for (let day = cstDayOf(plan.fromMs); day <= last; day = cstDayOf(cstMidnightMs(day) + DAY_MS)) {
    const month = day.slice(0, 7);
    months.set(month, [...(months.get(month) ?? []), day]);
  }
  return months;
}

/**
 * Keeps the header and the rows of the hours in [fromMs, toMs) of the archive file of `day`
 * (hour h of file D ends at D h:00 CST, tools/simulator/archive-writer.ts), so the first and
 * last files hold only the history's own hours.
 */
function trimToPlan(text: string, day: string, plan: HistoryState): string {
  const midnight = cstMidnightMs(day);
  const [header, ...rows] = text.split('\r\n');
  const kept = rows.filter((row) => {
    const hour = Number(row.split(',', 2)[1]);
    const t = midnight + hour * HOUR_MS;
    return row !== '' && t >= plan.fromMs && t < plan.toMs;
  });
  return [header, ...kept, ''].join('\r\n');
}

/** Writes the month's archive files not written yet, each atomically (a kill leaves none torn). */
async function writeMonth(
  dir: string,
  days: string[],
  plan: HistoryState,
  sim: typeof import('../tools/simulator'),
  publication: ReturnType<typeof import('../tools/simulator').createPublication>,
): Promise<string[]> {
  const stations = sim.simulatedStations();
  const tmp = join(dir, 'tmp');
  const files: string[] = [];
  for (const day of days) {
    const file = join(dir, `${HISTORY_SOURCE}_${day.replaceAll('-', '')}.csv`);
    files.push(file);
    if (existsSync(file)) continue;
    const [written] = sim.writeArchive({ dir: tmp, fromDate: day, toDate: day, stations, publication });
    if (!written) continue;
    const whole = cstMidnightMs(day) >= plan.fromMs && cstMidnightMs(day) + 23 * HOUR_MS < plan.toMs;
    if (!whole) writeFileSync(written, trimToPlan(readFileSync(written, 'utf8'), day, plan));
    renameSync(written, file);
    // Writing a day holds the event loop ~0.2 s: let the API answer between days.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return files;
}

export interface HistoryLoad {
  /** Settles when the load finished, stopped or failed (a failure is logged, never thrown). */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Writes and loads the history month by month in the background, through the archive backfill
 * (the registry judged by date, QC, revisions, rejects): onto `sink` (Kafka) when given, else
 * through an in-process pipeline of its own into `store`, as `yrd-air backfill` stores, so the
 * live feeds are not queued behind it. Finished files are remembered by the backfill's state
 * file: a kill resumes at the next start, and a file read again changes nothing (invariant 2).
 */
export function loadHistory(deps: {
  config: Config;
  logger: Logger;
  plan: HistoryState;
  store: StoreConnection;
  sink?: ReadingSink;
}): HistoryLoad {
  const { config, plan } = deps;
  const log = deps.logger.child({ module: 'history' });
  const dir = historyDir(config);
  let stopped = false;
  const pipeline = deps.sink ? undefined : startInProcessPipeline(deps.store, log, { maxBatchMessages: 2_000 });
  const sink = deps.sink ?? (pipeline as NonNullable<typeof pipeline>).sink;
  const run = async (): Promise<void> => {
    const sim = await import('../tools/simulator');
    const publication = sim.createPublication(SIM_SEED, sim.createModel(SIM_SEED));
    const registry = createStationRegistry(loadVersions(config.dataDir));
    const months = monthsOf(plan);
    const started = Date.now();
    let readings = 0;
    let filesDone = 0;
    const filesTotal = [...months.values()].reduce((n, days) => n + days.length, 0);
    log.info(
      { from: new Date(plan.fromMs).toISOString(), to: new Date(plan.toMs).toISOString(), files: filesTotal },
      'loading the simulated history in the background',
    );
    for (const [month, days] of months) {
      if (stopped) return;
      const files = await writeMonth(dir, days, plan, sim, publication);
      if (stopped) return;
      const summary = await runBackfill({
        files,
        sink,
        registry,
        archive: ADAPTERS['cnemc-archive'],
        status: 'provisional',
        stateFile: join(dir, 'backfill-state.json'),
      });
      readings += summary.readings;
      filesDone += files.length;
      log.info(
        { month, filesDone, filesTotal, readings, elapsedS: Math.round((Date.now() - started) / 1000) },
        'simulated history: month loaded',
      );
    }
    writeJsonFile(stateFile(config), { ...plan, status: 'done', finishedAt: new Date().toISOString() }, { indent: 1 });
    rmSync(join(dir, 'tmp'), { recursive: true, force: true });
    log.info({ readings, elapsedS: Math.round((Date.now() - started) / 1000) }, 'simulated history loaded');
  };
  const done = run().catch((err: unknown) => {
    if (!stopped) log.error({ err }, 'loading the simulated history failed; it resumes at the next start');
  });
  return {
    done,
    async stop() {
      stopped = true;
      await pipeline?.stop();
    },
  };
}

/**
 * `yrd-air history remove`: every reading, current value and refusal of the simulated history
 * taken out of the store (which it needs to itself, like prune), its files deleted, and the
 * history marked removed so no later start loads it again. Returns the revisions removed.
 */
export async function removeHistory(config: Config, logger: Logger): Promise<number> {
  const store = await openStore(config, logger);
  try {
    const removed = await removeSourceReadings(store, HISTORY_SOURCE);
    const state = readState(config);
    const now = new Date().toISOString();
    writeJsonFile(
      stateFile(config),
      { ...(state ?? { fromMs: 0, toMs: 0, startedAt: now }), status: 'removed', finishedAt: now },
      { indent: 1 },
    );
    const dir = historyDir(config);
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir))
      if (name !== 'state.json') rmSync(join(dir, name), { recursive: true, force: true });
    return removed;
  } finally {
    await store.close();
  }
}
