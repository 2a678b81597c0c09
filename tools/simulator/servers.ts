import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import iconv from 'iconv-lite';
import type { Station } from '../../schemas';
import { cstWallClockMs, floorHour, HOUR_MS, toCstIso } from '../../kernel';
import { cstCompact } from '../../ingest';
import type { Publication, PublishedHour } from './publication';
import { keyOf, uniform } from './random';

/** Credentials the simulated centres expect (documented defaults; the demo feeds file uses them). */
export const SIM_CREDENTIALS = {
  'sh-json': { type: 'api-key', header: 'X-Api-Key', key: 'sim-sh-key' },
  'js-xml': { type: 'basic', username: 'sim', password: 'sim-js' },
  'zj-csv': { type: 'none' },
  'ah-json': { type: 'bearer', token: 'sim-ah-token' },
} as const;

export interface ServeContext {
  seed: number;
  now: () => number;
  /** First hour (hour-ending) the simulator publishes. */
  originMs: number;
  stations: readonly Station[];
  publication: Publication;
}

type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => void;

const cstText = (ms: number): string => toCstIso(ms).slice(0, 19).replace('T', ' ');
const MISSING_MARKERS = ['—', '', '-99'];

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

/** Published station-hours of one hour, as served at `now`. */
function hourOf(ctx: ServeContext, hourMs: number): PublishedHour[] {
  const now = ctx.now();
  if (hourMs < ctx.originMs) return [];
  return ctx.stations.flatMap((s) => {
    const h = ctx.publication.publishedHour(s, hourMs);
    return h && h.publishedMs <= now ? [h] : [];
  });
}

const cell = (ctx: ServeContext, h: PublishedHour, i: number, missing: string): string => {
  const v = h.values[i];
  if (!v) return missing;
  if (v.malformed) return 'abc';
  const served = ctx.publication.servedValue(h, v, ctx.now());
  return served === null ? missing : String(served);
};

/** Shanghai (docs/feeds.md §1): `since` filters by hour-ending time; records ordered by time then station. */
export function shJsonHandler(ctx: ServeContext): Handler {
  return (url, req, res) => {
    if (url.pathname !== '/hourly') return send(res, 404, 'text/plain', 'not found');
    if (req.headers['x-api-key'] !== SIM_CREDENTIALS['sh-json'].key)
      return send(res, 401, 'application/json', JSON.stringify({ code: 401, msg: 'invalid api key', data: null }));
    const since = Date.parse(url.searchParams.get('since') ?? '');
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const pageSize = Math.min(5000, Math.max(1, Number(url.searchParams.get('pageSize') ?? 500)));
    if (Number.isNaN(since))
      return send(res, 200, 'application/json', JSON.stringify({ code: 400, msg: 'since is required', data: null }));
    const records: Record<string, string>[] = [];
    for (let t = Math.max(floorHour(since), ctx.originMs); t <= ctx.now(); t += HOUR_MS) {
      for (const h of hourOf(ctx, t)) {
        const marker =
          MISSING_MARKERS[Math.floor(uniform(ctx.seed, keyOf(h.station.code), t / HOUR_MS, 70) * 3)] ?? '—';
        const c = (i: number): string => cell(ctx, h, i, marker);
        records.push({
          stationCode: h.station.code,
          time: cstText(t),
          PM2_5: c(0),
          PM10: c(1),
          O3: c(2),
          NO2: c(3),
          SO2: c(4),
          CO: c(5),
          AQI: '—',
          PrimaryPollutant: '—',
        });
      }
    }
    const data = records.slice((page - 1) * pageSize, page * pageSize);
    send(
      res,
      200,
      'application/json',
      JSON.stringify({ code: 0, msg: 'ok', page, pageSize, total: records.length, data }),
    );
  };
}

const JS_NAMES = ['PM2.5', 'PM10', 'O3', 'NO2', 'SO2', 'CO'];

/** Jiangsu (docs/feeds.md §2): one XML document per hour; 404 until published. */
export function jsXmlHandler(ctx: ServeContext): Handler {
  const auth = `Basic ${Buffer.from(`${SIM_CREDENTIALS['js-xml'].username}:${SIM_CREDENTIALS['js-xml'].password}`).toString('base64')}`;
  return (url, req, res) => {
    if (url.pathname !== '/AirData.xml') return send(res, 404, 'text/plain', 'not found');
    if (req.headers.authorization !== auth) return send(res, 401, 'text/plain', 'unauthorized');
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(url.searchParams.get('time') ?? '');
    if (!m) return send(res, 400, 'text/plain', 'time must be yyyyMMddHH');
    const hourMs = cstWallClockMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
    const hours = hourOf(ctx, hourMs);
    if (hours.length === 0) return send(res, 404, 'text/plain', 'not published');
    const stations = hours.map((h) => {
      const items = h.values.map((v, i) => {
        const unit = v.pollutant === 'co' ? 'mg/m3' : 'ug/m3';
        return `      <Item name="${JS_NAMES[i]}" value="${cell(ctx, h, i, '')}" unit="${unit}" flag="${v.flag}"/>`;
      });
      return `  <Station code="${h.station.code}" name="${h.station.name}">\n    <Record time="${cstCompact(hourMs)}">\n${items.join('\n')}\n    </Record>\n  </Station>`;
    });
    // The document as it stands: last (re)published when its latest station-hour came in.
    const publishTime = toCstIso(Math.max(...hours.map((h) => h.publishedMs)));
    send(
      res,
      200,
      'application/xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n<AirQualityData publishTime="${publishTime}">\n${stations.join('\n')}\n</AirQualityData>\n`,
    );
  };
}

/** Zhejiang (docs/feeds.md §3): one GB18030 CSV per hour with a summary row; 404 until published. */
export function zjCsvHandler(ctx: ServeContext): Handler {
  const header =
    '站点编码,站点名称,城市,时间,PM2.5(μg/m³),PM10(μg/m³),O3(μg/m³),NO2(μg/m³),SO2(μg/m³),CO(mg/m³),AQI,首要污染物';
  return (url, _req, res) => {
    const m = /^\/zj_(\d{4})(\d{2})(\d{2})(\d{2})\.csv$/.exec(url.pathname);
    if (!m) return send(res, 404, 'text/plain', 'not found');
    const [y, mo, d, h] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    const hourMs = cstWallClockMs(y, mo, d, h);
    const hours = hourOf(ctx, hourMs);
    if (hours.length === 0) return send(res, 404, 'text/plain', 'not published');
    const time = `${y}/${mo}/${d} ${h}:00`;
    const lines = hours.map((p) =>
      [
        p.station.code,
        p.station.name,
        p.station.city,
        time,
        ...[0, 1, 2, 3, 4, 5].map((i) => cell(ctx, p, i, '')),
        '',
        '',
      ].join(','),
    );
    lines.push(['合计', '', '', time, '', '', '', '', '', '', '', ''].join(','));
    send(res, 200, 'text/csv; charset=GB18030', iconv.encode(`${[header, ...lines].join('\r\n')}\r\n`, 'gb18030'));
  };
}

interface AhEvent {
  pubMs: number;
  seq: string;
  item: { site: string; param: string; ts: string; val: number | string | null; unit: string; valid: boolean };
}

const AH_PAGE_ITEMS = 400;

/**
 * Anhui (docs/feeds.md §4): a cursor over the append-only log of publication events — each
 * station-hour's first publication, and later a correction as the same (site, param, ts) again.
 * Events are ordered by (publication time, station, param, hour); the cursor names the last one
 * served.
 */
export function ahJsonHandler(ctx: ServeContext): Handler {
  function eventsIn(fromPub: number, toPub: number): AhEvent[] {
    const out: AhEvent[] = [];
    for (let t = floorHour(fromPub) - 8 * HOUR_MS; t <= toPub; t += HOUR_MS) {
      if (t < ctx.originMs) continue;
      for (const s of ctx.stations) {
        const h = ctx.publication.publishedHour(s, t);
        if (!h) continue;
        const ts = new Date(t).toISOString().replace('.000Z', 'Z');
        const add = (pubMs: number, param: string, val: number | string | null, valid: boolean, kind: string): void => {
          if (pubMs > fromPub && pubMs <= toPub) {
            const unit = 'µg/m³';
            // The hour is part of the key: a late hour and a later one can be published at the same
            // instant, and two events with one key would let the cursor skip the second.
            out.push({
              pubMs,
              seq: `${pubMs}|${s.code}|${param}|${t}|${kind}`,
              item: { site: s.code, param, ts, val, unit, valid },
            });
          }
        };
        for (const v of h.values) {
          const val = v.malformed
            ? 'abc'
            : v.value === null
              ? null
              : v.pollutant === 'co'
                ? Math.round(v.value * 1000)
                : v.value;
          add(h.publishedMs, v.pollutant, val, v.flag === 'N', 'first');
        }
        if (h.correction) add(h.correction.publishedMs, 'pm25', h.correction.value, true, 'correction');
      }
    }
    return out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  }

  return (url, req, res) => {
    if (url.pathname !== '/v2/observations') return send(res, 404, 'application/json', '{"error":"not found"}');
    if (req.headers.authorization !== `Bearer ${SIM_CREDENTIALS['ah-json'].token}`)
      return send(res, 401, 'application/json', '{"error":"unauthorized"}');
    const raw = url.searchParams.get('cursor');
    let after = { pubMs: ctx.originMs - HOUR_MS, seq: '' };
    if (raw) {
      try {
        after = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as typeof after;
      } catch {
        return send(res, 400, 'application/json', '{"error":"bad cursor"}');
      }
    }
    const now = ctx.now();
    const items: AhEvent[] = [];
    // Walk publication time an hour at a time until a page is full or the log's end (now).
    for (let from = after.pubMs - 1; from < now && items.length <= AH_PAGE_ITEMS; from += HOUR_MS) {
      items.push(
        ...eventsIn(from, Math.min(now, from + HOUR_MS)).filter(
          (e) => e.pubMs > after.pubMs || (e.pubMs === after.pubMs && e.seq > after.seq),
        ),
      );
    }
    const page = items.slice(0, AH_PAGE_ITEMS);
    const last = page.at(-1);
    const more = items.length > AH_PAGE_ITEMS;
    const body: { items: AhEvent['item'][]; next?: string } = { items: page.map((e) => e.item) };
    if (more && last)
      body.next = Buffer.from(JSON.stringify({ pubMs: last.pubMs, seq: last.seq })).toString('base64url');
    send(res, 200, 'application/json', JSON.stringify(body));
  };
}

export function listen(handler: Handler, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    try {
      handler(new URL(req.url ?? '/', 'http://localhost'), req, res);
    } catch (err) {
      send(res, 500, 'text/plain', (err as Error).message);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}` });
    });
  });
}
