import { describe, expect, it } from 'vitest';
import { createModel } from '../../tools/simulator/model';
import { bundledVersion } from '../../ingest/stations/registry-files';
import { regionalHours, regionalPeriods, type RegionalStation } from './regional';

const HOUR = 3_600_000;
const stations = bundledVersion().stations.filter((s) => !s.stopped);

/** A month of the simulator's hourly PM2.5 for a city's stations and its surroundings, with the true split. */
function month(city: string, seed: number) {
  const model = createModel(seed);
  const start = Date.parse('2025-01-01T00:00:00+08:00');
  const hours = 31 * 24;
  const own = stations.filter((s) => s.city === city);
  const province = own[0]?.province;
  const around = stations.filter((s) => s.province === province);
  const input: RegionalStation[] = around.map((s) => ({
    code: s.code,
    inCity: s.city === city,
    control: s.control,
    values: Array.from({ length: hours }, (_, h) => model.stationHour(s, start + (h + 1) * HOUR).values.pm25),
  }));
  // Truth: the city's non-control stations' mean local increment and mean concentration.
  const urban = own.filter((s) => !s.control);
  let inc = 0;
  let total = 0;
  for (let h = 0; h < hours; h++) {
    for (const s of urban) {
      const x = model.stationHour(s, start + (h + 1) * HOUR);
      inc += x.truth.localIncrement;
      total += x.values.pm25;
    }
  }
  return { input, hours, trueShare: inc / total };
}

describe('regional background and local increment (Lenschow) on the simulator’s ground truth', () => {
  it.each(['上海', '杭州', '合肥', '苏州'])(
    'control-station background recovers %s’s simulated local share within 0.05',
    (city) => {
      const { input, hours, trueShare } = month(city, 11);
      const [p] = regionalPeriods(regionalHours(input, hours, { method: 'control' }), () => '2025-01');
      expect(p?.hours).toBe(hours);
      expect(Math.abs((p?.localShare as number) - trueShare)).toBeLessThan(0.05);
    },
    60_000,
  );

  it('a low percentile of the surroundings gives the same split within 0.1', () => {
    const { input, hours, trueShare } = month('南京', 5);
    const [p] = regionalPeriods(regionalHours(input, hours, { method: 'percentile', percentile: 10 }), () => 'm');
    expect(Math.abs((p?.localShare as number) - trueShare)).toBeLessThan(0.1);
  }, 60_000);

  it('splits by hand on a small example', () => {
    const input: RegionalStation[] = [
      { code: 'a', inCity: true, control: false, values: [50, 60, null] },
      { code: 'b', inCity: true, control: false, values: [70, null, 40] },
      { code: 'c', inCity: true, control: true, values: [30, 40, null] },
    ];
    const split = regionalHours(input, 3, { method: 'control' });
    // Hour 0: city (50+70)/2 = 60, background 30; hour 1: city 60, background 40; hour 2: no control station.
    expect(split).toEqual([
      { city: 60, background: 30, increment: 30 },
      { city: 60, background: 40, increment: 20 },
      null,
    ]);
    expect(regionalPeriods(split, () => 'd')).toEqual([
      { period: 'd', hours: 2, city: 60, background: 35, increment: 25, localShare: 25 / 60 },
    ]);
  });
});
