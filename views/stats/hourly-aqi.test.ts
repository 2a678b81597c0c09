import { describe, expect, it } from 'vitest';
import type { HourlyAqiQuery, SeriesRow, StationListVersion } from '../../schemas';
import { areaHourlyAqi } from './hourly-aqi';
import type { SeriesQueries, SeriesSpec } from './series';

/**
 * The hourly AQI view on a stubbed series (the rows the store would give, written here): the regime
 * of each hour's natural day, a city's half-up IAQI against a station's ceiling, the 24-h SO2 of an
 * SO2 1-h above 800, the window not built yet. Expectations by hand from HJ 633 (docs/standards.md
 * §4.1, §4.2, §4.7, §4.8).
 */
const station = (code: string, city: string) => ({
  code,
  name: code,
  city,
  countyCity: '',
  province: 'shanghai' as const,
  lon: null,
  lat: null,
  control: false,
  stopped: false,
});
const VERSIONS: StationListVersion[] = [
  { version: 'v1', validFrom: '2020-01-01', stations: [station('1141A', '上海'), station('1142A', '上海')] },
];

const row = (id: string, pollutant: SeriesRow['pollutant'], time: string, value: number | null): SeriesRow => ({
  id,
  pollutant,
  time,
  value,
  nValid: value === null ? 0 : 1,
  nExpected: 1,
  capture: value === null ? 0 : 1,
  valid: value !== null,
  converted: false,
});

/** A series that answers every page with `rows`, and remembers what it was asked. */
function stubbedSeries(rows: SeriesRow[]): SeriesQueries & { asked: SeriesSpec[] } {
  const asked: SeriesSpec[] = [];
  return {
    asked,
    page: async (spec) => {
      asked.push(spec);
      return { kind: 'rows', rows, next: null };
    },
    file: async () => {
      throw new Error('not called');
    },
  };
}

const query = (q: Partial<HourlyAqiQuery>): HourlyAqiQuery => ({
  level: 'station',
  id: ['1141A'],
  from: '',
  to: '',
  window: '1h',
  format: 'json',
  limit: 100_000,
  ...q,
});

const rangeOf = (fromIso: string, toIso: string) => ({ fromMs: Date.parse(fromIso), toMs: Date.parse(toIso) });

describe('hourly AQI view (stubbed series)', () => {
  it('takes the regime of the hour’s natural day: label 24 of 2026-02-28 is 2012, label 1 of 2026-03-01 is 2026', async () => {
    // 2026-03-01 00:00 CST = 2026-02-28T16:00Z is label 24 of 2026-02-28; an hour later, label 1 of 2026-03-01.
    const t2012 = '2026-02-28T16:00:00Z';
    const t2026 = '2026-02-28T17:00:00Z';
    const series = stubbedSeries([row('1141A', 'pm25', t2012, 50), row('1141A', 'pm25', t2026, 50)]);
    const page = await areaHourlyAqi(
      { series, versions: async () => VERSIONS },
      query({}),
      rangeOf('2026-02-28T16:00:00Z', '2026-02-28T18:00:00Z'),
    );
    expect(series.asked[0]?.referenceState).toBe(false);
    if (page.kind !== 'rows') throw new Error('rows expected');
    const [a, b] = page.rows;
    // 2012: PM2.5 50 on 35→75 (IAQI 50→100): 50 + 50·15/40 = 68.75 → 69, the five others missing: partial.
    expect(a).toMatchObject({ time: t2012, regime: '2012', aqi: 69, partial: true, withheld: false });
    expect(a?.primary).toEqual(['pm25']);
    expect(a?.category).toEqual({ level: 'II', zh: '良', en: 'Good', colour: 'yellow', rgb: [255, 255, 0] });
    expect(a?.missing).toEqual(['so2', 'no2', 'co', 'pm10', 'o3_1h']);
    // 2026: 35→60 (50→100): 50 + 50·15/25 = 80, at most 100 with indicators missing: withheld (§4.7).
    expect(b).toMatchObject({ time: t2026, regime: '2026', aqi: null, category: null, withheld: true });
    expect(b?.iaqi).toEqual({ pm25: 80 });
  });

  it('rounds a city’s IAQI half up and a station’s up: PM2.5 36 is 51.25 → 51 for 上海, 52 for 1141A', async () => {
    const t = '2025-02-10T02:00:00Z';
    const range = rangeOf(t, '2025-02-10T03:00:00Z');
    const deps = (id: string) => ({ series: stubbedSeries([row(id, 'pm25', t, 36)]), versions: async () => VERSIONS });
    const city = await areaHourlyAqi(deps('上海'), query({ level: 'city', id: ['上海'] }), range);
    const st = await areaHourlyAqi(deps('1141A'), query({}), range);
    expect(city.kind === 'rows' && city.rows[0]?.aqi).toBe(51);
    expect(st.kind === 'rows' && st.rows[0]?.aqi).toBe(52);
  });

  it('reads the 23 hours before the range, of SO2 alone, only when an SO2 1-h above 800 needs its 24-h value', async () => {
    const end = Date.parse('2025-02-10T12:00:00Z');
    const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
    const range = { fromMs: end, toMs: end + 3_600_000 };
    const low = stubbedSeries([row('1141A', 'so2', iso(end), 100)]);
    await areaHourlyAqi({ series: low, versions: async () => VERSIONS }, query({}), range);
    expect(low.asked.map((s) => [s.fromMs, s.pollutants.length])).toEqual([[end, 6]]);
    const high = stubbedSeries([row('1141A', 'so2', iso(end), 900)]);
    await areaHourlyAqi({ series: high, versions: async () => VERSIONS }, query({}), range);
    expect(high.asked.map((s) => [s.fromMs, s.pollutants])).toEqual([
      [end, expect.any(Array)],
      [end - 23 * 3_600_000, ['so2']],
    ]);
  });

  it('scores a 2012-regime SO2 1-h above 800 on the 24-h SO2 of ≥ 20 valid hours, else leaves SO2 out', async () => {
    const end = Date.parse('2025-02-10T12:00:00Z');
    const at = (k: number): string => new Date(end - k * 3_600_000).toISOString().replace('.000Z', 'Z');
    // 23 hours of 100 before a 900: (23·100 + 900) / 24 = 133.33 → 133 on the 24-h column
    // 50→150 (IAQI 50→100): 50 + 50·83/100 = 91.5 → 92.
    const full = [
      row('1141A', 'so2', at(0), 900),
      ...Array.from({ length: 23 }, (_, k) => row('1141A', 'so2', at(k + 1), 100)),
    ];
    const range = rangeOf(at(0), new Date(end + 3_600_000).toISOString());
    const one = await areaHourlyAqi({ series: stubbedSeries(full), versions: async () => VERSIONS }, query({}), range);
    if (one.kind !== 'rows') throw new Error('rows expected');
    expect(one.rows).toHaveLength(1);
    expect(one.rows[0]?.iaqi.so2).toBe(92);
    expect(one.rows[0]?.concentrations).toMatchObject({ so2: 900, so2_24h: 133 });
    // Only 10 hours before it: 11 of 24, below 20 — no 24-h SO2, so no SO2 sub-index.
    const short = full.slice(0, 11);
    const two = await areaHourlyAqi({ series: stubbedSeries(short), versions: async () => VERSIONS }, query({}), range);
    expect(two.kind === 'rows' && two.rows[0]?.missing).toContain('so2');
  });

  it('window=24h: a station’s 24-h moving PM2.5 of ≥ 20 hours, a city’s the mean of its stations’ (§4.9)', async () => {
    const end = Date.parse('2025-02-10T12:00:00Z');
    const at = (k: number): string => new Date(end - k * 3_600_000).toISOString().replace('.000Z', 'Z');
    const hours = (id: string, n: number, v: number): SeriesRow[] =>
      Array.from({ length: n }, (_, k) => row(id, 'pm25', at(k), v));
    const range = rangeOf(at(0), new Date(end + 3_600_000).toISOString());
    const ask = async (rows: SeriesRow[], q: Partial<HourlyAqiQuery>) => {
      const page = await areaHourlyAqi(
        { series: stubbedSeries(rows), versions: async () => VERSIONS },
        query({ window: '24h', ...q }),
        range,
      );
      if (page.kind !== 'rows') throw new Error('rows expected');
      return page.rows;
    };
    // 1141A: 24 hours of 78 → 78 on the 24-h column 75→115 (IAQI 100→150): 100 + 50·3/40 = 103.75 → 104.
    const [st] = await ask(hours('1141A', 24, 78), {});
    expect(st).toMatchObject({ id: '1141A', aqi: 104, concentrations: { pm25_24h: 78 }, partial: true });
    expect(st?.missing).toEqual(['so2', 'no2', 'co', 'pm10', 'o3_8h']);
    // 上海 of 1141A (78) and 1142A (81, 24 hours): (78 + 81) / 2 = 79.5 → 80 half up → 106.25 → 106.
    const [city] = await ask([...hours('1141A', 24, 78), ...hours('1142A', 24, 81)], { level: 'city', id: ['上海'] });
    expect(city).toMatchObject({ id: '上海', aqi: 106, concentrations: { pm25_24h: 80 } });
    // 1142A with 19 hours has no 24-h value, so 上海 is 1141A's 78 alone: 103.75 → 104 half up.
    const [short] = await ask([...hours('1141A', 24, 78), ...hours('1142A', 19, 81)], { level: 'city', id: ['上海'] });
    expect(short).toMatchObject({ aqi: 104, concentrations: { pm25_24h: 78 } });
    // 19 hours alone: no moving value, no row.
    expect(await ask(hours('1141A', 19, 78), {})).toEqual([]);
  });
});
