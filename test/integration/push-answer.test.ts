import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api';
import { createKeyVerifier, issueKey } from '../../api/auth/centre-keys';
import { ADAPTERS } from '../../ingest/adapters';
import { createPushIngest } from '../../ingest/push';
import { createStationRegistry } from '../../ingest/stations/registry';
import { bundledVersion, createRegistryLoader } from '../../ingest/stations/registry-files';
import { createInProcessBus } from '../../infra/bus/in-process-bus';
import {
  createClickHouseRejectQueries,
  createClickHouseStationQueries,
} from '../../infra/clickhouse/api-queries.clickhouse';
import { createStoreDeadLetterSink } from '../../infra/clickhouse/dead-letters.clickhouse';
import { createClickHouseReadingStore } from '../../infra/clickhouse/reading-store.clickhouse';
import { syncStations } from '../../infra/clickhouse/stations.clickhouse';
import { createProcessor, explainBatch, type Processor } from '../../processing';
import type { PushResult, Reject } from '../../schemas';
import { currentReadings } from '../helpers/current';
import { silentLogger } from '../helpers/logger';
import { sharedData } from '../helpers/shared-data';
import { openTestStore, type TestStore } from '../helpers/store';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'yrd-air-push-answer-'));
const keysFile = join(dir, 'centre-keys.json');
let store: TestStore;
let app: FastifyInstance;
let base: string;
let processor: Processor;
let key = '';

beforeAll(async () => {
  store = await openTestStore();
  await syncStations(store, [bundledVersion()]);
  const logger = silentLogger();
  const bus = createInProcessBus({ logger });
  const readingStore = createClickHouseReadingStore(store);
  processor = createProcessor({
    source: bus.source,
    store: readingStore,
    deadLetters: createStoreDeadLetterSink(readingStore),
    logger,
  });
  void processor.run();
  key = issueKey(keysFile, 'shanghai').key;
  app = await buildApp({
    logger,
    readiness: {},
    auth: createKeyVerifier(keysFile),
    ingest: {
      push: createPushIngest({
        sink: bus.sink,
        registry: createRegistryLoader(dir, createStationRegistry),
        archive: ADAPTERS['cnemc-archive'],
        judge: explainBatch,
      }),
    },
    queries: { rejects: createClickHouseRejectQueries(store), stations: createClickHouseStationQueries(store) },
    limits: { pushBodyLimitBytes: 4 << 20, pushPerMinute: 1_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
  await processor?.stop();
  await store?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function push(body: string | Buffer, type = 'application/json'): Promise<PushResult> {
  const res = await fetch(`${base}/v1/readings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': type },
    body: body as string, // (a Buffer is a valid fetch body; the DOM lib's BodyInit type lags behind)
  });
  expect(res.status).toBe(202);
  return (await res.json()) as PushResult;
}

async function rejects(query = ''): Promise<Reject[]> {
  const res = await fetch(`${base}/v1/rejects?limit=10000${query}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { rejects: Reject[] }).rejects;
}

/**
 * docs/standards.md §2.4, by hand: the plausible maxima (µg/m³, CO mg/m³) and PM2.5 above PM10 by
 * more than 10 % of PM10 plus 5 µg/m³.
 */
const MAX = { pm25: 1000, pm10: 1200, o3: 2400, no2: 7680, so2: 5240, co: 300 } as const;
const pmTooHigh = (pm25: number, pm10: number): boolean => pm25 > pm10 * 1.1 + 5;

const T1 = '2025-03-01T10:00:00+08:00';
const T2 = '2025-03-01T11:00:00+08:00';
const T3 = '2025-03-01T12:00:00+08:00';

describe('the push answer over real HTTP, on the real engine', () => {
  it('lists every value quality control sets aside, with its flags and the rule and limit; the store flags the same', async () => {
    const body = [
      { station: '1141A', pollutant: 'pm25', time: T1, value: 5000 },
      { station: '1141A', pollutant: 'pm25', time: T2, value: -5 },
      { station: '1141A', pollutant: 'co', time: T1, value: 4000 },
      // PM10 50: at most 50 × 1.1 + 5 = 60 µg/m³ of PM2.5. 80 is over (both flagged); 60 is not.
      { station: '1142A', pollutant: 'pm25', time: T1, value: 80 },
      { station: '1142A', pollutant: 'pm10', time: T1, value: 50 },
      { station: '1142A', pollutant: 'pm25', time: T2, value: 60 },
      { station: '1142A', pollutant: 'pm10', time: T2, value: 50 },
      // The centre's own verdicts are not news to it: not listed.
      { station: '1141A', pollutant: 'o3', time: T1, value: 90, flag: 'B' },
      { station: '1141A', pollutant: 'no2', time: T1, value: null },
      // Its own flag and an implausible value: listed for the value alone.
      { station: '1141A', pollutant: 'pm10', time: T3, value: 2000, flag: 'H' },
      { station: '1141A', pollutant: 'so2', time: T1, value: 5240 }, // at the maximum: plausible
    ];
    const answer = await push(JSON.stringify(body));
    expect(answer.accepted).toBe(body.length);
    expect(answer.rejected).toEqual([]);
    const rule = 'by more than 10 % of PM10 plus 5 µg/m³ (at most 60 µg/m³); kept out of statistics';
    expect(answer.flagged).toEqual([
      {
        index: 0,
        station: '1141A',
        pollutant: 'pm25',
        time: T1,
        value: 5000,
        field: 'value',
        flags: ['out_of_range'],
        reason: 'PM2.5 5000 µg/m³ is above the plausible maximum 1000 µg/m³; kept out of statistics',
      },
      {
        index: 1,
        station: '1141A',
        pollutant: 'pm25',
        time: T2,
        value: -5,
        field: 'value',
        flags: ['negative'],
        reason: 'PM2.5 -5 µg/m³ is negative: a concentration is at least 0 µg/m³; kept out of statistics',
      },
      {
        index: 2,
        station: '1141A',
        pollutant: 'co',
        time: T1,
        value: 4000,
        field: 'value',
        flags: ['out_of_range'],
        reason: 'CO 4000 mg/m³ is above the plausible maximum 300 mg/m³; kept out of statistics',
      },
      {
        index: 3,
        station: '1142A',
        pollutant: 'pm25',
        time: T1,
        value: 80,
        field: 'value',
        flags: ['pm25_above_pm10'],
        reason: `PM2.5 80 µg/m³ is above the same hour's PM10 50 µg/m³ ${rule}`,
      },
      {
        index: 4,
        station: '1142A',
        pollutant: 'pm10',
        time: T1,
        value: 50,
        field: 'value',
        flags: ['pm25_above_pm10'],
        reason: `the same hour's PM2.5 80 µg/m³ is above PM10 50 µg/m³ ${rule}`,
      },
      {
        index: 9,
        station: '1141A',
        pollutant: 'pm10',
        time: T3,
        value: 2000,
        field: 'value',
        flags: ['out_of_range'],
        reason: 'PM10 2000 µg/m³ is above the plausible maximum 1200 µg/m³; kept out of statistics',
      },
    ]);
    // Kept as sent and set aside by processing with the same flags (ARCHITECTURE.md invariant 3).
    const stored = await currentReadings(store, { stations: ['1141A', '1142A'] });
    const flagsOf = (station: string, pollutant: string, time: string) =>
      stored
        .filter((r) => r.station === station && r.pollutant === pollutant && r.t * 1000 === Date.parse(time))
        .map((r) => [r.value, r.valid, [...r.qc_flags].sort()]);
    expect(flagsOf('1141A', 'pm25', T1)).toEqual([[5000, false, ['out_of_range']]]);
    expect(flagsOf('1141A', 'co', T1)).toEqual([[4000, false, ['out_of_range']]]);
    expect(flagsOf('1142A', 'pm10', T1)).toEqual([[50, false, ['pm25_above_pm10']]]);
    expect(flagsOf('1142A', 'pm25', T2)).toEqual([[60, true, []]]);
    expect(flagsOf('1141A', 'pm10', T3)).toEqual([[2000, false, ['out_of_range', 'source_invalid']]]);
  });

  it('refuses an hour ending after now + 2 h as READING_TIME_IN_FUTURE and shows every refused time as written', async () => {
    const hourNow = Math.floor(Date.now() / HOUR) * HOUR;
    const inProgress = new Date(hourNow + HOUR).toISOString(); // the hour in progress ends within the hour
    const ahead = new Date(hourNow + 3 * HOUR).toISOString(); // more than two hours after now
    const body = [
      { station: '1143A', pollutant: 'pm25', time: '2200-01-01T00:00:00Z', value: 10 },
      { station: '1143A', pollutant: 'pm25', time: '2025-02-30T01:00:00+08:00', value: 10 },
      { station: '1143A', pollutant: 'pm25', time: ahead, value: 10 },
      { station: '1143A', pollutant: 'pm25', time: inProgress, value: 10 },
    ];
    const answer = await push(JSON.stringify(body));
    expect(answer.accepted).toBe(1);
    // 2200 is first of all in the future (it is also past the store's hours, 2106, which the schema checks after).
    expect(answer.rejected.map((r) => [r.index, r.code, r.field, r.time])).toEqual([
      [0, 'READING_TIME_IN_FUTURE', 'time', '2200-01-01T00:00:00Z'],
      [1, 'READING_INVALID', 'time', '2025-02-30T01:00:00+08:00'],
      [2, 'READING_TIME_IN_FUTURE', 'time', ahead],
    ]);
    expect(answer.rejected[0]?.reason).toMatch(
      /^time 2200-01-01T00:00:00Z is in the future: later than \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00, two hours after the record was received$/,
    );
    expect(answer.rejected[1]?.reason).toBe('not a real date and time (e.g. 30 February, hour 25)');

    const listed = (await rejects()).filter((r) => r.station === '1143A');
    const byWritten = Object.fromEntries(listed.map((r) => [r.timeWritten, [r.code, r.time]]));
    expect(byWritten).toEqual({
      '2200-01-01T00:00:00Z': ['READING_TIME_IN_FUTURE', null],
      '2025-02-30T01:00:00+08:00': ['READING_INVALID', null],
      [ahead]: ['READING_TIME_IN_FUTURE', ahead.replace('.000Z', 'Z')],
    });
    expect(listed.some((r) => r.time?.startsWith('2106') || r.time?.startsWith('2025-03-02'))).toBe(false);
  });

  it("counts an archive's stations of other provinces apart, as the backfill does, and flags Shanghai's values by the rules", async () => {
    const file = sharedData('china_sites/china_sites_20250209.csv');
    // The file and the station list read here independently of the adapter and the registry.
    const province = new Map(
      (parse(readFileSync(sharedData('yrd_stations.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map(
        (s) => [s.code as string, s.province as string],
      ),
    );
    // The real day holds no Shanghai value QC sets aside; an hour of the next day is added (a
    // foreign station's cell in it too) with five that it does: 1141A's CO 4000 > 300 and its
    // PM2.5 80 > 50 × 1.1 + 5 = 60 (both PM flagged); 1142A's PM2.5 5000 > 1000, its PM10 −3 < 0, and
    // 5000 > −3 × 1.1 + 5 (both PM flagged).
    const text = readFileSync(file, 'utf8');
    const columns = text.slice(0, text.indexOf('\n')).trim().split(',');
    const line = (type: string, cells: Record<string, string>): string =>
      ['20250210', '1', type, ...columns.slice(3).map((code) => cells[code] ?? '')].join(',');
    const csv = [
      text.trimEnd(),
      line('PM2.5', { '1141A': '80', '1142A': '5000', '1001A': '7000' }),
      line('PM10', { '1141A': '50', '1142A': '-3', '1001A': '20' }),
      line('CO', { '1141A': '4000' }),
    ].join('\n');
    const [header = [], ...lines] = parse(csv, { relax_column_count: true }) as string[][];
    const HOURLY: Record<string, keyof typeof MAX> = {
      'PM2.5': 'pm25',
      PM10: 'pm10',
      SO2: 'so2',
      NO2: 'no2',
      O3: 'o3',
      CO: 'co',
    };
    const cellsOf = new Map<string, number>();
    const own: { station: string; pollutant: keyof typeof MAX; ms: number; value: number }[] = [];
    for (const row of lines) {
      const pollutant = HOURLY[row[2] ?? ''];
      if (!pollutant) continue;
      const [date = '', hour = ''] = row;
      // Hour h of file date D ends at D h:00 CST (docs/feeds.md §5).
      const ms =
        Date.parse(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00+08:00`) + Number(hour) * HOUR;
      for (let c = 3; c < row.length; c++) {
        const station = header[c] ?? '';
        if (row[c] === '' || station === '') continue;
        if (province.get(station) === 'Shanghai') own.push({ station, pollutant, ms, value: Number(row[c]) });
        else cellsOf.set(station, (cellsOf.get(station) ?? 0) + 1);
      }
    }
    const outside = [...cellsOf.keys()].filter((s) => !province.has(s));
    expect(own.length).toBeGreaterThan(0);

    const answer = await push(csv, 'text/csv');
    expect(answer.skipped).toEqual({
      otherStations: cellsOf.size,
      cells: [...cellsOf.values()].reduce((a, b) => a + b, 0),
      outsideRegistry: outside.length,
    });
    expect(answer.rejected.filter((r) => province.get(r.station) !== 'Shanghai')).toEqual([]);
    expect(answer.accepted).toBe(own.length);

    // Flags by the standard's limits, computed here: each Shanghai value alone and PM2.5 against PM10 of its hour.
    const pm = new Map(own.map((r) => [`${r.station}|${r.pollutant}|${r.ms}`, r.value]));
    const expected = own
      .map((r) => {
        const flags: string[] = [];
        if (r.value < 0) flags.push('negative');
        if (r.value > MAX[r.pollutant]) flags.push('out_of_range');
        const pm25 = pm.get(`${r.station}|pm25|${r.ms}`);
        const pm10 = pm.get(`${r.station}|pm10|${r.ms}`);
        if ((r.pollutant === 'pm25' || r.pollutant === 'pm10') && pm25 !== undefined && pm10 !== undefined)
          if (pmTooHigh(pm25, pm10)) flags.push('pm25_above_pm10');
        return flags.length > 0 ? `${r.station}|${r.pollutant}|${r.ms}|${flags.join(',')}` : undefined;
      })
      .filter((x) => x !== undefined)
      .sort();
    expect(expected).toEqual([
      `1141A|co|${Date.parse('2025-02-10T01:00:00+08:00')}|out_of_range`,
      `1141A|pm10|${Date.parse('2025-02-10T01:00:00+08:00')}|pm25_above_pm10`,
      `1141A|pm25|${Date.parse('2025-02-10T01:00:00+08:00')}|pm25_above_pm10`,
      `1142A|pm10|${Date.parse('2025-02-10T01:00:00+08:00')}|negative,pm25_above_pm10`,
      `1142A|pm25|${Date.parse('2025-02-10T01:00:00+08:00')}|out_of_range,pm25_above_pm10`,
    ]);
    const got = answer.flagged
      .map((f) => `${f.station}|${f.pollutant}|${Date.parse(f.time)}|${f.flags.join(',')}`)
      .sort();
    expect(got).toEqual(expected);
    expect(answer.flagged.every((f) => f.reason.length > 0)).toBe(true);

    // Counted apart, not written: neither another province's station nor one outside the registry
    // (in practice another province's too) adds a row to the centre's rejects.
    expect(await rejects('&code=READING_STATION_NOT_OWNED')).toEqual([]);
    expect(await rejects('&code=READING_UNKNOWN_STATION')).toEqual([]);
  }, 60_000);
});
