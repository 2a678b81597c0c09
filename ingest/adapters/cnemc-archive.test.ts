import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feedCtx } from '../../test/helpers/fixtures';
import { sharedData } from '../../test/helpers/shared-data';
import { cnemcArchive } from './cnemc-archive';

const HOURLY = new Set(['PM2.5', 'PM10', 'SO2', 'NO2', 'O3', 'CO']);

/** Counts non-empty hourly cells under a named station column with plain string splits. */
function countCells(text: string): number {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = (lines[0] ?? '').split(',');
  let n = 0;
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (!HOURLY.has(cells[2] ?? '')) continue;
    for (let i = 3; i < cells.length; i++) if (cells[i] !== '' && (header[i] ?? '') !== '') n++;
  }
  return n;
}

describe('cnemc-archive adapter (FEEDS.md §5)', () => {
  it('maps the made-up example: hour 0 is label 24 of the previous day; derived rows skipped', () => {
    const csv = ['date,hour,type,1141A,1142A,1151A', '20230715,0,AQI,40,58,', '20230715,0,PM2.5,21,24,', '20230715,0,PM2.5_24h,19,22,17', '20230715,0,CO,0.6,0.7,', '20230715,13,O3,96,x,'].join('\r\n');
    const out = cnemcArchive.toReadings({ label: 'f', body: Buffer.from(csv) }, feedCtx());
    expect(out.readings.map((r) => [r.station, r.pollutant, r.time, r.value])).toEqual([
      ['1141A', 'pm25', '2023-07-15T00:00:00+08:00', 21],
      ['1142A', 'pm25', '2023-07-15T00:00:00+08:00', 24],
      ['1141A', 'co', '2023-07-15T00:00:00+08:00', 0.6],
      ['1142A', 'co', '2023-07-15T00:00:00+08:00', 0.7],
      ['1141A', 'o3', '2023-07-15T13:00:00+08:00', 96],
    ]);
    expect(out.problems.map((p) => [p.index, p.station, p.reason])).toEqual([[4, '1142A', '"x" is not a number']]);
  });

  it.each(['china_sites_20230121.csv', 'china_sites_20180101.csv', 'china_sites_20170101.csv'])(
    'emits one reading per non-empty hourly cell of the real file %s',
    (file) => {
      const body = readFileSync(sharedData(`china_sites/${file}`));
      const out = cnemcArchive.toReadings({ label: file, body }, feedCtx());
      expect(out.problems).toEqual([]);
      expect(out.readings).toHaveLength(countCells(body.toString('utf8')));
    },
  );

  it('reads spot values of the real 2023-01-21 file as the file holds them', () => {
    const body = readFileSync(sharedData('china_sites/china_sites_20230121.csv'));
    const out = cnemcArchive.toReadings({ label: 'f', body }, feedCtx());
    // First data rows of the file, read by hand: hour 0, PM2.5 of 1001A (Beijing).
    const lines = body.toString('utf8').split('\n');
    const header = (lines[0] ?? '').split(',');
    const pm25 = (lines.find((l) => l.startsWith('20230121,0,PM2.5,')) ?? '').split(',');
    const at = header.indexOf('1141A');
    const expected = Number(pm25[at]);
    const got = out.readings.find((r) => r.station === '1141A' && r.pollutant === 'pm25' && r.time === '2023-01-21T00:00:00+08:00');
    expect(got?.value).toBe(expected);
  });

  it('refuses a file whose header is not the archive header', () => {
    expect(cnemcArchive.toReadings({ label: 'x', body: Buffer.from('a,b,c\n1,2,3') }, feedCtx()).problems[0]?.field).toBe('(page)');
  });
});
