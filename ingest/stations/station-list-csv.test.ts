import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { BUNDLED_LIST_FILE } from './registry-files';
import { parseStationList } from './station-list-csv';

describe('parseStationList', () => {
  it('reads the bundled list: 330 stations of the four provinces', () => {
    const parsed = parseStationList(readFileSync(BUNDLED_LIST_FILE));
    expect(parsed.problems).toEqual([]);
    expect(parsed.stations).toHaveLength(330);
    const counts = Object.fromEntries(
      ['shanghai', 'jiangsu', 'zhejiang', 'anhui'].map((p) => [
        p,
        parsed.stations.filter((s) => s.province === p).length,
      ]),
    );
    // Counted from the file with awk: 20, 139, 76, 95.
    expect(counts).toEqual({ shanghai: 20, jiangsu: 139, zhejiang: 76, anhui: 95 });
    expect(parsed.stations.find((s) => s.code === '1141A')).toEqual({
      code: '1141A',
      name: '普陀',
      city: '上海',
      countyCity: '',
      province: 'shanghai',
      lon: 121.4,
      lat: 31.238,
      control: false,
      stopped: false,
    });
    expect(parsed.stations.find((s) => s.code === '1202A')?.lon).toBeNull(); // listed without coordinates
  });

  it('reads the national layout in GB18030 and keeps only the four provinces', () => {
    const text = [
      '监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区',
      '1001A,万寿西宫,北京,116.3621,39.8784,N,北京市,北京市',
      '1141A,普陀,上海,121.4,31.238,N,上海市,上海市',
      '1160A,上方山(对照点),苏州,120.561,31.2467,Y,江苏省,苏州市',
    ].join('\r\n');
    const parsed = parseStationList(iconv.encode(text, 'gb18030'));
    expect(parsed.outsideRegion).toBe(1);
    expect(parsed.stations.map((s) => [s.code, s.province, s.control, s.name])).toEqual([
      ['1141A', 'shanghai', false, '普陀'],
      ['1160A', 'jiangsu', true, '上方山(对照点)'],
    ]);
  });

  it('names the line and field of a bad row', () => {
    const parsed = parseStationList(
      Buffer.from(
        'code,name,city,county_city,province,lon,lat,control,stopped\n1141A,普陀,上海,,Shanghai,east,31.2,N,N\n',
      ),
    );
    expect(parsed.problems).toEqual([{ line: 2, reason: 'lon: Invalid input: expected number, received NaN' }]);
  });

  it('refuses an unknown header', () => {
    expect(parseStationList(Buffer.from('a,b\n1,2\n')).problems[0]?.reason).toBe('unrecognised header: a,b');
  });
});
