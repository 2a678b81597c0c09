import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/helpers/shared-data';
import { roundGbt8170 } from './aqi';
import {
  cityMovingValues,
  highestO3_8h,
  movingAqi,
  movingMean,
  stationMovingValues,
  type MovingSource,
  type MovingValues,
} from './moving-aqi';

/**
 * The 24-h moving values against what the national centre published (docs/standards.md §4.9), over
 * the seven consecutive archive days 2025-02-09…15 (every station of yrd_stations.csv; a window
 * needs 23 hours before it, so windows end from 2025-02-09 23:00 CST on). The expectations are the
 * archive's own cells: `*_24h` for the 24-h means; `O3_8h_24h`, which in the 2025 files is the 8-h
 * moving mean (the pair is swapped, §3.3), for the O3 windows. The agreement thresholds are the
 * shares measured, with their counts in the comments.
 */
const DAYS = ['20250209', '20250210', '20250211', '20250212', '20250213', '20250214', '20250215'];
const HOUR_MS = 3_600_000;
const TYPE: Record<MovingSource, string> = { pm25: 'PM2.5', pm10: 'PM10', so2: 'SO2', no2: 'NO2', co: 'CO', o3: 'O3' };

/** `column|type` → hour-ending instant (ms) → value, for every cell of the files of `kind`. */
function load(kind: 'sites' | 'cities'): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const day of DAYS) {
    const lines = readFileSync(sharedData(`china_${kind}/china_${kind}_${day}.csv`), 'utf8').split('\n');
    const header = (lines[0] ?? '').replace(/\r$/, '').split(',');
    const midnight = Date.parse(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}T00:00:00+08:00`);
    for (const line of lines.slice(1)) {
      const c = line.replace(/\r$/, '').split(',');
      if (c.length < 3) continue;
      // Hour h of day D ends at D h:00 CST (hour 0 is label 24 of D−1, §6.3).
      const t = midnight + Number(c[1]) * HOUR_MS;
      for (let i = 3; i < c.length; i++) {
        if (c[i] === '' || !header[i]) continue;
        const key = `${header[i]}|${c[2]}`;
        let m = out.get(key);
        if (!m) out.set(key, (m = new Map()));
        m.set(t, Number(c[i]));
      }
    }
  }
  return out;
}

const stationRows = readFileSync(sharedData('yrd_stations.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const CODES = stationRows.map((c) => c[0]!);
const sites = load('sites');
const FIRST_END = Date.parse('2025-02-09T23:00:00+08:00');
const LAST_END = Date.parse('2025-02-15T23:00:00+08:00');
const hoursOf = (code: string, p: MovingSource): Map<number, number> => sites.get(`${code}|${TYPE[p]}`) ?? new Map();

/** Station-hours where both ours and the published value exist: how many, and how many agree. */
function agreement(
  ours: (code: string, t: number) => number | undefined,
  published: (code: string, t: number) => number | undefined,
): { n: number; same: number } {
  let n = 0;
  let same = 0;
  for (const code of CODES) {
    for (let t = FIRST_END; t <= LAST_END; t += HOUR_MS) {
      const a = ours(code, t);
      const b = published(code, t);
      if (a === undefined || b === undefined) continue;
      n++;
      if (Math.abs(a - b) < 1e-9) same++;
    }
  }
  return { n, same };
}

const complete = (code: string, p: MovingSource, t: number, span: number): boolean => {
  const h = hoursOf(code, p);
  for (let k = 0; k < span; k++) if (!h.has(t - k * HOUR_MS)) return false;
  return true;
};

describe('24-h moving means against the archive’s published *_24h (2025-02-09…15, real data)', () => {
  const memo = new Map<string, MovingValues>();
  const values = (code: string, t: number): MovingValues => {
    const key = `${code}|${t}`;
    let v = memo.get(key);
    if (!v) {
      const hours = Object.fromEntries((Object.keys(TYPE) as MovingSource[]).map((p) => [p, hoursOf(code, p)]));
      memo.set(key, (v = stationMovingValues(hours, t)));
    }
    return v;
  };
  // [pollutant, share over every window with ≥ 20 hours, share over the complete (24-hour) windows]
  // measured: PM2.5 33,462 of 34,355 (complete 26,847 of 26,938); PM10 29,444 of 33,074 (23,183 of
  // 23,205); SO2 34,372 of 34,487 (25,763 of 25,763); NO2 33,283 of 34,433 (25,456 of 25,456); CO
  // 33,578 of 34,405 (24,896 of 25,467: the centre averages CO hours finer than the 0.1 it
  // publishes, so a mean near a tie at 0.05 goes either way). Below 24 hours the centre's mean is
  // of hours the archive does not carry (docs/standards.md §4.9).
  it.each([
    ['pm25', 0.974, 0.996],
    ['pm10', 0.89, 0.999],
    ['so2', 0.996, 1],
    ['no2', 0.966, 1],
    ['co', 0.975, 0.977],
  ] as const)('%s: the share of station-hours equal to the published value', (p, overall, full) => {
    const key = `${p}_24h` as const;
    const pub = (code: string, t: number): number | undefined => sites.get(`${code}|${TYPE[p]}_24h`)?.get(t);
    const all = agreement((code, t) => values(code, t)[key], pub);
    const whole = agreement((code, t) => (complete(code, p, t, 24) ? values(code, t)[key] : undefined), pub);
    console.info(`${p}_24h: ${all.same}/${all.n} (complete windows ${whole.same}/${whole.n})`);
    expect(all.n).toBeGreaterThan(30_000);
    expect(all.same / all.n).toBeGreaterThanOrEqual(overall);
    expect(whole.same / whole.n).toBeGreaterThanOrEqual(full);
  });

  it('the published 24-h mean is rounded half to even (GB/T 8170), not half up', () => {
    // The complete NO2 windows whose mean is an exact half: the published value is the even neighbour.
    let ties = 0;
    let even = 0;
    for (const code of CODES) {
      for (let t = FIRST_END; t <= LAST_END; t += HOUR_MS) {
        if (!complete(code, 'no2', t, 24)) continue;
        const m = movingMean(hoursOf(code, 'no2'), t, 24, 24)!;
        const pub = sites.get(`${code}|NO2_24h`)?.get(t);
        if (pub === undefined || m - Math.floor(m) !== 0.5) continue;
        ties++;
        if (pub === Math.floor(m) + (Math.floor(m) % 2 === 0 ? 0 : 1)) even++;
      }
    }
    expect(ties).toBeGreaterThan(500);
    expect(even).toBe(ties);
  });

  it('a station publishes a 24-h value from fewer than 20 hours; ours has none there', () => {
    const pub = (code: string, t: number): number | undefined => sites.get(`${code}|PM10_24h`)?.get(t);
    let short = 0;
    for (const code of CODES)
      for (let t = FIRST_END; t <= LAST_END; t += HOUR_MS)
        if (pub(code, t) !== undefined && movingMean(hoursOf(code, 'pm10'), t, 24, 1) !== undefined)
          if (movingMean(hoursOf(code, 'pm10'), t, 24, 20) === undefined) short++;
    // measured: 1,724 station-hours of PM10 published from 1–19 of their 24 hours
    expect(short).toBeGreaterThan(1_000);
  });
});

describe('8-h O3 against the archive’s published 8-h moving O3 (O3_8h_24h in the 2025 files)', () => {
  const pub8 = (code: string, t: number): number | undefined => sites.get(`${code}|O3_8h_24h`)?.get(t);
  it('each complete 8-h window equals the published one; with 6 or 7 hours most do', () => {
    const ours = (code: string, t: number, full: boolean): number | undefined => {
      if (full !== complete(code, 'o3', t, 8)) return undefined;
      const m = movingMean(hoursOf(code, 'o3'), t, 8, 6);
      return m === undefined ? undefined : roundGbt8170(m, 0);
    };
    const whole = agreement((c, t) => ours(c, t, true), pub8);
    const gaps = agreement((c, t) => ours(c, t, false), pub8);
    console.info(`O3 8-h: complete ${whole.same}/${whole.n}, 6–7 hours ${gaps.same}/${gaps.n}`);
    // measured: complete 21,594 of 21,594; with 6 or 7 hours 2,198 of 2,589
    expect(whole.n).toBeGreaterThan(20_000);
    expect(whole.same).toBe(whole.n);
    expect(gaps.same / gaps.n).toBeGreaterThanOrEqual(0.848);
  });

  it('the highest 8-h O3 of the 24 hours: the highest published window, or one the archive leaves empty', () => {
    // The archive publishes the 8-h mean only for windows ending 08:00…24:00 (labels 8–24), the 17
    // that stay within a natural day; those ending 01:00…07:00 are empty cells. A second method:
    // the highest of the centre's own published windows among the 24, where all 17 are there and
    // the 31 hours under the 24 windows are complete. Ours is never below it, and equals it unless
    // a window ending 01:00…07:00 (crossing midnight) is higher.
    let n = 0;
    let same = 0;
    let below = 0;
    for (const code of CODES) {
      for (let t = FIRST_END; t <= LAST_END; t += HOUR_MS) {
        if (!complete(code, 'o3', t, 31)) continue;
        const published = [...Array(24).keys()].flatMap((k) => pub8(code, t - k * HOUR_MS) ?? []);
        if (published.length !== 17) continue;
        const ours = stationMovingValues({ o3: hoursOf(code, 'o3') }, t).o3_8h_24h!;
        const theirs = Math.max(...published);
        n++;
        if (ours === theirs) same++;
        if (ours < theirs) below++;
      }
    }
    console.info(`O3 highest 8-h of 24 h: ${same}/${n} equal the highest published window`);
    // measured: 19,562 of 21,064 equal; the other 1,502 are all above it (a window ending 01:00…07:00)
    expect(n).toBeGreaterThan(10_000);
    expect(below).toBe(0);
    expect(same / n).toBeGreaterThanOrEqual(0.928);
    expect(highestO3_8h(new Map(), FIRST_END)).toBeUndefined();
  });
});

describe('a city’s 24-h values: the mean of its stations’ own 24-h values (china_cities, real data)', () => {
  const cities = load('cities');
  const byCity = new Map<string, string[]>();
  for (const c of stationRows) if (c[7] !== 'Y') byCity.set(c[2]!, [...(byCity.get(c[2]!) ?? []), c[0]!]);
  it.each(['pm25_24h', 'pm10_24h', 'so2_24h', 'no2_24h', 'co_24h'] as const)(
    '%s: every published city-hour of the 41 cities',
    (k) => {
      const type = `${TYPE[k.replace('_24h', '') as MovingSource]}_24h`;
      let n = 0;
      let same = 0;
      for (const [city, codes] of byCity) {
        for (const [t, published] of cities.get(`${city}|${type}`) ?? []) {
          const stations = codes.flatMap((station) => {
            const v = sites.get(`${station}|${type}`)?.get(t);
            return v === undefined ? [] : [{ station, values: { [k]: v } }];
          });
          if (stations.length === 0) continue;
          n++;
          if (cityMovingValues(stations)[k] === published) same++;
        }
      }
      // measured: 6,888 of 6,888 for each
      expect(byCity.size).toBe(41);
      expect(n).toBe(6_888);
      expect(same).toBe(n);
    },
  );
});

describe('the moving AQI on the daily breakpoints (by hand from HJ 633 Table 1, docs/standards.md §4.1, §4.7)', () => {
  const all = { pm25_24h: 78, pm10_24h: 60, so2_24h: 10, no2_24h: 30, co_24h: 0.8, o3_8h_24h: 120 };
  it('scores the 24-h columns and the 8-h O3, a station rounded up, a city half up', () => {
    // PM2.5 78: (150−100)/(115−75)·(78−75)+100 = 103.75 → 104 (station), 104 (city).
    expect(movingAqi('2012', all, 'station')).toMatchObject({ aqi: 104, primary: ['pm25'], missing: [] });
    // O3 8-h 120: (100−50)/(160−100)·20+50 = 66.67 → 67; PM10 60: 55.
    expect(movingAqi('2012', all, 'station').iaqi).toMatchObject({ o3_8h: 67, pm10: 55, co: 20 });
    // 2026: PM2.5 78 on 60/115: (150−100)/(115−60)·18+100 = 116.36 → 117 (station), 116 (city).
    expect(movingAqi('2026', all, 'station').aqi).toBe(117);
    expect(movingAqi('2026', all, 'city').aqi).toBe(116);
  });
  it('a missing indicator: 2012 keeps the others (partial); 2026 withholds 100 or less', () => {
    const { pm25_24h: _, ...noPm25 } = all;
    expect(movingAqi('2012', noPm25, 'station')).toMatchObject({ aqi: 67, partial: true, missing: ['pm25'] });
    expect(movingAqi('2026', noPm25, 'station')).toMatchObject({ aqi: null, withheld: true, missing: ['pm25'] });
  });
  it('an 8-h O3 above 800: 2012 scores the highest 1-h O3, 2026 scores 300', () => {
    const o3 = { ...all, o3_8h_24h: 820, o3_1h_24h: 900 };
    // 1-h O3 900 on 800/1000: (400−300)/200·100+300 = 350.
    expect(movingAqi('2012', o3, 'station').aqi).toBe(350);
    expect(movingAqi('2026', o3, 'station').aqi).toBe(300);
  });
});
