/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OzoneResponse } from '../../schemas/api/ozone';
import type { SeriesResponse } from '../../schemas/api/series';
import { chromiumPath } from '../helpers/chromium';
import { feedsFileFor, startSimulator, virtualClock, type Simulator } from '../../tools/simulator';
import { runCli, type CliRun } from '../helpers/cli';

const dataDir = mkdtempSync(join(tmpdir(), 'yrd-air-browser-'));
let run: CliRun;
let api: string;
let browser: Browser;
let page: Page;
let sim: Simulator | undefined;

type DashboardState = { ready: boolean; error: string | null; queries: Record<string, string> };
type ChartOption = { xAxis: { data?: string[] }[]; series: { data: unknown[]; name?: string }[] };
const chartOption = (id: string): Promise<ChartOption> =>
  page.evaluate((dom) => {
    const w = window as unknown as { echarts: { getInstanceByDom(el: Element): { getOption(): unknown } } };
    return JSON.parse(
      JSON.stringify(w.echarts.getInstanceByDom(document.getElementById(dom) as Element).getOption()),
    ) as ChartOption;
  }, id);
const state = (): Promise<DashboardState> =>
  page.evaluate(() => (window as unknown as { __dashboard: DashboardState }).__dashboard);
const getJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${api}${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const round1 = (v: number): number => Math.round(v * 10) / 10;

beforeAll(async () => {
  // `npm start`'s shape: the all-in-one process on the embedded store, fed by the simulator.
  // eslint-disable-next-line no-restricted-syntax -- the browser's path may be given in the environment
  const executablePath = chromiumPath(process.env);
  // The simulator with its clock frozen, so the data cannot change between what the page drew and
  // what the test asks the API (live feeds add an hour at the turn of each hour).
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 40 * 60_000;
  sim = await startSimulator({
    clock: virtualClock(now),
    originMs: Math.floor(now / 3_600_000) * 3_600_000 - 48 * 3_600_000,
    ports: { 'sh-json': 0, 'js-xml': 0, 'zj-csv': 0, 'ah-json': 0 },
  });
  const feeds = join(dataDir, 'feeds.json');
  writeFileSync(feeds, JSON.stringify(feedsFileFor(sim)));
  run = runCli(['start'], { PORT: '0', DATA_DIR: dataDir, CLICKHOUSE_DATABASE: 'yrd_air_test', FEEDS_FILE: feeds });
  [, api] = (await run.waitForLine(/API at (http:\/\/\S+)/, 90_000)) as RegExpMatchArray as [string, string];
  // Wait until every feed has pulled once and yesterday's city means exist.
  for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 1000))) {
    const feeds = (await (await fetch(`${api}/v1/feeds`)).json()) as {
      feeds: { lastSuccessAt: string | null; running: boolean }[];
    };
    if (feeds.feeds.length === 4 && feeds.feeds.every((f) => f.lastSuccessAt !== null && !f.running)) break;
  }
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1800 }, locale: 'en-GB' });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await run?.stop();
  await sim?.stop();
  rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
}, 60_000);

describe('the dashboard in headless Chromium on a running instance fed by the simulator', () => {
  it('draws the values the API gives for the same queries, and saves a screenshot', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api}/`);
    await page.waitForFunction(
      () => (window as unknown as { __dashboard?: DashboardState }).__dashboard?.ready === true,
      null,
      { timeout: 60_000 },
    );
    const s = await state();
    expect(s.error).toBeNull();
    expect(errors).toEqual([]);

    // Ozone: every day the chart shows carries the API's MDA8 and rolling P90 for that day.
    const ozone = await getJson<OzoneResponse>(s.queries.ozone as string);
    const oz = await chartOption('ozone-chart');
    const days = oz.xAxis[0]?.data ?? [];
    const byDay = new Map(ozone.days.map((d) => [d.day, d]));
    expect(days.length).toBeGreaterThan(0);
    days.forEach((day, i) => {
      expect(oz.series[0]?.data[i] ?? null).toBe(byDay.get(day)?.mda8 ?? null);
      expect(oz.series[1]?.data[i] ?? null).toBe(byDay.get(day)?.p90 ?? null);
    });
    expect(oz.series[0]?.data.filter((v) => v !== null).length).toBeGreaterThan(0);

    // PM2.5 year to date per city: bar = the API's value, rounded to one decimal.
    const pm = await getJson<SeriesResponse>(s.queries.pm25 as string);
    const bars = await chartOption('pm25-chart');
    const cities = bars.xAxis[0]?.data ?? [];
    expect(cities.length).toBe(41);
    const values = new Map(pm.rows.map((r) => [r.id, r.value === null ? null : round1(r.value)]));
    const drawn = (bars.series[0]?.data as { value: number | null }[]).map((d) => d.value);
    expect(drawn).toEqual(cities.map((c) => values.get(c) ?? null));
    expect(drawn.filter((v) => v !== null).length).toBeGreaterThanOrEqual(30);

    // The station map: one point per station with a value, at its coordinates, coloured by it.
    const map = await getJson<SeriesResponse>(s.queries.map as string);
    const stations = await getJson<{ stations: { code: string; lon: number | null; lat: number | null }[] }>(
      '/v1/stations',
    );
    const latest = new Map<string, { time: string; value: number }>();
    for (const r of map.rows)
      if (r.value !== null && (latest.get(r.id)?.time ?? '') < r.time)
        latest.set(r.id, { time: r.time, value: r.value });
    const points = ((await chartOption('map-chart')).series[0]?.data ?? []) as {
      name: string;
      value: [number, number, number];
    }[];
    expect(points.length).toBe(latest.size);
    expect(points.length).toBeGreaterThan(150);
    for (const p of points) {
      const code = /\((\w+)\)$/.exec(p.name)?.[1] as string;
      const st = stations.stations.find((x) => x.code === code);
      expect(p.value).toEqual([st?.lon, st?.lat, round1(latest.get(code)?.value as number)]);
    }

    // The local-vs-regional split: background and increment bars as the regional view gives them.
    const regional = await getJson<{ periods: { period: string; background: number; increment: number }[] }>(
      s.queries.regional as string,
    );
    const split = await chartOption('regional-chart');
    expect(split.xAxis[0]?.data).toEqual(regional.periods.map((p) => p.period));
    expect(split.series[0]?.data).toEqual(regional.periods.map((p) => round1(p.background)));
    expect(split.series[1]?.data).toEqual(regional.periods.map((p) => round1(p.increment)));
    expect(regional.periods.length).toBeGreaterThan(0);
    // The forecast column shows each city's verdict from /v1/compliance/forecast.
    const verdicts = await page
      .locator('#pm25-table [data-verdict]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));
    expect(verdicts).toHaveLength(41);
    const first = (await page.locator('#pm25-table tr:nth-child(2) td:first-child').textContent()) as string;
    const f = await getJson<{ verdict: string }>(`${s.queries.forecast as string}${encodeURIComponent(first)}`);
    expect(verdicts[0]).toBe(f.verdict);
    // Feed health lists the four feeds; the centres' delivery table shows the summary's capture.
    expect(await page.locator('#feeds-table tr').count()).toBe(5);
    const delivery = await getJson<{ centres: { capture: number | null }[] }>(s.queries.delivery as string);
    const shown = await page.locator('#centres-table tr td:nth-child(3)').allTextContents();
    expect(shown).toEqual(
      delivery.centres.map((c) => (c.capture === null ? '—' : `${Math.round(c.capture * 1000) / 10} %`)),
    );
    expect(delivery.centres.some((c) => c.capture !== null && c.capture > 0)).toBe(true);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
    expect(statSync('test-results/dashboard.png').size).toBeGreaterThan(50_000);
  }, 120_000);

  it('switches to Chinese and back', async () => {
    await page.click('#lang');
    await page.waitForFunction(
      () =>
        (window as unknown as { __dashboard: DashboardState }).__dashboard.ready &&
        document.documentElement.lang === 'zh-CN',
      null,
      { timeout: 60_000 },
    );
    expect(await page.textContent('h1')).toBe('长三角 PM2.5 与臭氧协同防控');
    expect(await page.textContent('#feeds-table th')).toBe('数据源');
    await page.screenshot({ path: 'test-results/dashboard-zh.png', fullPage: true });
    await page.click('#lang');
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 60_000 });
    expect(await page.textContent('h1')).toBe('Yangtze River Delta PM2.5 and ozone');
  }, 120_000);
});
