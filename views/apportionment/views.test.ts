import { describe, expect, it } from 'vitest';
import { hourEndingDaysRange } from '../../kernel';
import type { Station, StationListVersion } from '../../schemas';
import { zRegionalQuery } from '../../schemas';
import { regionalView, type ApportionmentDeps } from './views';

const station = (code: string, control: boolean): Station => ({
  code,
  name: code,
  city: '上海',
  countyCity: '',
  province: 'shanghai',
  lon: 121.4,
  lat: 31.2,
  control,
  stopped: false,
});

// The list of 10 February drops Shanghai's control station: a day's answer must use the list of
// that day (its hours end from 01:00 of the day to 00:00 of the next), not the next day's list.
const versions: StationListVersion[] = [
  { version: 'old', validFrom: '2013-01-01', stations: [station('1141A', false), station('1142A', true)] },
  { version: 'new', validFrom: '2025-02-10', stations: [station('1141A', false)] },
];

describe('the regional view (stubbed queries)', () => {
  const calls: { city: string[]; backgroundStations: string[] }[] = [];
  const deps: ApportionmentDeps = {
    series: {} as ApportionmentDeps['series'],
    versions: async () => versions,
    regional: {
      periods: async (spec) => {
        calls.push({ city: spec.city, backgroundStations: spec.backgroundStations });
        return [];
      },
    },
  };
  const q = zRegionalQuery.parse({ city: '上海', from: '2025-02-09T01:00:00+08:00', to: '2025-02-10T01:00:00+08:00' });

  it('takes the station list of the day the last hour belongs to, not of the day after', async () => {
    await regionalView(deps, q, hourEndingDaysRange('2025-02-09', '2025-02-09')).catch(() => undefined);
    expect(calls).toEqual([{ city: ['1141A'], backgroundStations: ['1142A'] }]);
  });

  it('a day of the new list has no control station, and says so', async () => {
    await expect(regionalView(deps, q, hourEndingDaysRange('2025-02-10', '2025-02-10'))).rejects.toMatchObject({
      code: 'QUERY_UNPROCESSABLE',
    });
  });
});
