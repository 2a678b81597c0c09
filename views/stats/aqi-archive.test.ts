import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/helpers/shared-data';
import { hourlyAqi } from './aqi';

/**
 * The archive's published hourly AQI against our real-time AQI (docs/standards.md §4.6: the six 1-h
 * values, PM on the 24-h breakpoints, O3 on its 1-h column, no 8-h O3), over every station-hour
 * of the real files that has all six values. Measured: 39,412 of 39,412 and 39,231 of 39,232.
 * The one miss, 2647A at hour 12 of 2023-01-22 with SO2 1-h 952: the archive scores 200, which is
 * the 2026 rule (HJ 633-2026: SO2 1-h above 800 → 200), while HJ 633-2012 note 2, which we follow
 * for 2012-regime data, scores the 24-h SO2 (131 → 169). CNEMC evidently applied the fixed 200
 * already in 2023 — noted in docs/standards.md as an observed practice, not the 2012 text.
 */
function reproduce(file: string): { n: number; same: number; examples: string[] } {
  const lines = readFileSync(sharedData(`china_sites/${file}`), 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',');
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const c = line.split(',');
    rows.set(`${c[1]}|${c[2]}`, c);
  }
  let n = 0;
  let same = 0;
  const examples: string[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const get = (type: string) => rows.get(`${hour}|${type}`);
    const aqiRow = get('AQI');
    if (!aqiRow) continue;
    for (let i = 3; i < header.length; i++) {
      const v = (type: string): number | undefined => {
        const cell = get(type)?.[i];
        return cell === undefined || cell === '' ? undefined : Number(cell);
      };
      const published = aqiRow[i];
      const input = {
        so2: v('SO2'),
        no2: v('NO2'),
        co: v('CO'),
        pm10: v('PM10'),
        pm25: v('PM2.5'),
        o3: v('O3'),
        so2_24h: v('SO2_24h'),
      };
      if (!published || Object.values(input).some((x) => x === undefined)) continue;
      n++;
      const ours = hourlyAqi('2012', input).aqi;
      if (ours === Number(published)) same++;
      else if (examples.length < 5)
        examples.push(`${header[i]} h${hour}: ours ${ours} vs ${published} ${JSON.stringify(input)}`);
    }
  }
  return { n, same, examples };
}

describe('real-time AQI reproduces the archive’s published hourly AQI (real data)', () => {
  it.each(['china_sites_20230121.csv', 'china_sites_20230122.csv'])('%s', (file) => {
    const { n, same, examples } = reproduce(file);
    console.info(`${file}: ${same}/${n} station-hours reproduced (${((same / n) * 100).toFixed(2)} %)`, examples);
    expect(n).toBeGreaterThan(20_000);
    expect(same / n).toBeGreaterThanOrEqual(0.99);
  });
});
