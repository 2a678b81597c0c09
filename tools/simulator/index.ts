import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { floorHour, HOUR_MS, type Logger } from '../../kernel';
import type { Pollutant, Station } from '../../schemas';
import { BUNDLED_LIST_FILE, parseStationList } from '../../ingest';
import { createModel, TRANSPORT_LINKS, type Model } from './model';
import { createPublication, FORMAT_OF, type Publication, type SimFormat } from './publication';
import {
  ahJsonHandler,
  jsXmlHandler,
  listen,
  SIM_CREDENTIALS,
  shJsonHandler,
  zjCsvHandler,
  type ServeContext,
} from './servers';

export { TRANSPORT_LINKS, SIM_CREDENTIALS, FORMAT_OF, createPublication };
export { writeArchive } from './archive-writer';
export { postForecasts, SIM_FORECAST_SKILL, type SimForecaster, simulatedForecasts } from './forecasts';
export type { SimFormat };

const FLAGGED_FORMATS: ReadonlySet<SimFormat> = new Set(['js-xml', 'ah-json']);
export const DEFAULT_SIM_PORTS: Readonly<Record<SimFormat, number>> = {
  'sh-json': 8091,
  'js-xml': 8092,
  'zj-csv': 8093,
  'ah-json': 8094,
};

/** The simulator's time: real time, or a virtual clock that tests set and advance. */
export interface Clock {
  now(): number;
}
export interface VirtualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}
export const realClock: Clock = { now: () => Date.now() };
export function virtualClock(startMs: number): VirtualClock {
  let t = startMs;
  return { now: () => t, set: (ms) => void (t = ms), advance: (ms) => void (t += ms) };
}

/** Stations the simulator serves: the bundled list's stations in service with coordinates. */
export function simulatedStations(): Station[] {
  return parseStationList(readFileSync(BUNDLED_LIST_FILE)).stations.filter(
    (s) => !s.stopped && s.lon !== null && s.lat !== null,
  );
}

export interface SimulatorOptions {
  seed?: number;
  clock?: Clock;
  /** First hour served (hour-ending, epoch ms); default 48 h before the clock's now. */
  originMs?: number;
  ports?: Partial<Record<SimFormat, number>>;
  logger?: Logger;
}

export interface ServedReading {
  station: string;
  pollutant: Pollutant;
  timeMs: number;
  /** Canonical unit; null when the centre served a missing value. */
  value: number | null;
  /** The centre marked the value invalid (Jiangsu flag ≠ N, Anhui valid = false). */
  invalid: boolean;
}

export interface Simulator {
  urls: Record<SimFormat, string>;
  seed: number;
  clock: Clock;
  originMs: number;
  stations: readonly Station[];
  model: Model;
  publication: Publication;
  /**
   * The publication log: for every identity published by `nowMs` (default the clock's now), the
   * value served last — the correction once it is out. Malformed values are not readings and are
   * left out; missing values are there as null.
   */
  lastServed(nowMs?: number, format?: SimFormat): ServedReading[];
  /** Feed requests received so far, all four feeds: a test waits on it to know a pull is under way. */
  requests(): number;
  stop(): Promise<void>;
}

/** Starts the four centres' feeds on local ports (docs/feeds.md), from one seeded generator. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 20_250_301;
  const clock = opts.clock ?? realClock;
  const originMs = opts.originMs ?? floorHour(clock.now()) - 48 * HOUR_MS;
  const stations = simulatedStations();
  const model = createModel(seed);
  const publication = createPublication(seed, model);
  const ctxFor = (format: SimFormat): ServeContext => ({
    seed,
    now: () => clock.now(),
    originMs,
    stations: stations.filter((s) => FORMAT_OF[s.province] === format),
    publication,
  });
  const handlers = {
    'sh-json': shJsonHandler,
    'js-xml': jsXmlHandler,
    'zj-csv': zjCsvHandler,
    'ah-json': ahJsonHandler,
  } as const;
  const servers: Server[] = [];
  const urls = {} as Record<SimFormat, string>;
  let requests = 0;
  try {
    for (const format of Object.keys(handlers) as SimFormat[]) {
      const handler = handlers[format](ctxFor(format));
      const { server, url } = await listen((u, req, res) => {
        requests++;
        handler(u, req, res);
      }, opts.ports?.[format] ?? DEFAULT_SIM_PORTS[format]);
      servers.push(server);
      urls[format] = url;
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }
  opts.logger?.info({ urls, seed, stations: stations.length }, 'simulator serving the four centres');

  function lastServed(nowMs = clock.now(), format?: SimFormat): ServedReading[] {
    const out: ServedReading[] = [];
    for (const s of stations) {
      if (format && FORMAT_OF[s.province] !== format) continue;
      for (let t = originMs; t <= nowMs; t += HOUR_MS) {
        const h = publication.publishedHour(s, t);
        if (!h || h.publishedMs > nowMs) continue;
        for (const v of h.values) {
          if (v.malformed) continue;
          // Only Jiangsu's and Anhui's formats carry a validity flag (docs/feeds.md §2, §4).
          const flagged = FLAGGED_FORMATS.has(FORMAT_OF[s.province]);
          out.push({
            station: s.code,
            pollutant: v.pollutant,
            timeMs: t,
            value: publication.servedValue(h, v, nowMs),
            invalid: flagged && v.flag !== 'N',
          });
        }
      }
    }
    return out;
  }

  return {
    urls,
    seed,
    clock,
    originMs,
    stations,
    model,
    publication,
    lastServed,
    requests: () => requests,
    stop: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}

/**
 * A feeds file for the simulator (the shape of schemas/feeds/feed-definition.ts): each feed
 * starts at the simulator's first hour, so everything it publishes is pulled.
 */
export function feedsFileFor(
  sim: Pick<Simulator, 'urls' | 'originMs'>,
  opts: { schedule?: string; lookbackHours?: number } = {},
): { feeds: unknown[] } {
  const lookbackHours = opts.lookbackHours ?? 48;
  const startAt = new Date(sim.originMs + lookbackHours * HOUR_MS).toISOString();
  const common = { schedule: opts.schedule ?? '* * * * *', lookbackHours, startAt, timeoutMs: 10_000, retries: 2 };
  return {
    feeds: [
      {
        name: 'shanghai-sh-json',
        format: 'sh-json',
        baseUrl: sim.urls['sh-json'],
        province: 'shanghai',
        credentials: SIM_CREDENTIALS['sh-json'],
        ...common,
      },
      {
        name: 'jiangsu-js-xml',
        format: 'js-xml',
        baseUrl: sim.urls['js-xml'],
        province: 'jiangsu',
        credentials: SIM_CREDENTIALS['js-xml'],
        ...common,
      },
      {
        name: 'zhejiang-zj-csv',
        format: 'zj-csv',
        baseUrl: sim.urls['zj-csv'],
        province: 'zhejiang',
        credentials: SIM_CREDENTIALS['zj-csv'],
        ...common,
      },
      {
        name: 'anhui-ah-json',
        format: 'ah-json',
        baseUrl: sim.urls['ah-json'],
        province: 'anhui',
        credentials: SIM_CREDENTIALS['ah-json'],
        ...common,
      },
    ],
  };
}
export { createModel } from './model';
