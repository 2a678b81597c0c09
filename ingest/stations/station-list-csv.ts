import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { zProvince, zStation, type Province, type Station } from '../../schemas';

/**
 * Reads a station list in either circulating layout:
 * - the project's list (data/yrd_stations.csv): code,name,city,county_city,province,lon,lat,control,stopped
 * - the national list: 监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区 (often GB18030)
 * Stations outside the four provinces are counted and left out: the registry holds what the
 * region's centres own.
 */
export interface ParsedStationList {
  stations: Station[];
  outsideRegion: number;
  problems: { line: number; reason: string }[];
}

const PROVINCE_BY_NAME: Record<string, Province> = {
  shanghai: 'shanghai',
  jiangsu: 'jiangsu',
  zhejiang: 'zhejiang',
  anhui: 'anhui',
  上海市: 'shanghai',
  江苏省: 'jiangsu',
  浙江省: 'zhejiang',
  安徽省: 'anhui',
};

/** UTF-8 when the bytes are valid UTF-8 (with or without BOM), else GB18030 as the national list circulates. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'gb18030');
  }
}

const num = (s: string | undefined): number | null => (s === undefined || s.trim() === '' ? null : Number(s));
const yes = (s: string | undefined): boolean => s?.trim().toUpperCase() === 'Y';

type Row = Record<string, string>;

function fromProjectRow(r: Row): Record<string, unknown> {
  return {
    code: r.code,
    name: r.name,
    city: r.city,
    countyCity: r.county_city ?? '',
    province: PROVINCE_BY_NAME[(r.province ?? '').trim().toLowerCase()] ?? r.province,
    lon: num(r.lon),
    lat: num(r.lat),
    control: yes(r.control),
    stopped: yes(r.stopped),
  };
}

function fromNationalRow(r: Row): Record<string, unknown> {
  return {
    code: r['监测点编码'],
    name: r['监测点名称'],
    city: r['城市'],
    countyCity: '',
    province: PROVINCE_BY_NAME[(r['省级行政区'] ?? '').trim()] ?? r['省级行政区'],
    lon: num(r['经度']),
    lat: num(r['纬度']),
    control: yes(r['对照点']),
    stopped: false,
  };
}

export function parseStationList(bytes: Uint8Array): ParsedStationList {
  const rows = parse(decodeText(bytes), { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Row[];
  const header = Object.keys(rows[0] ?? {});
  const national = header.includes('监测点编码');
  if (!national && !header.includes('code')) {
    return {
      stations: [],
      outsideRegion: 0,
      problems: [{ line: 1, reason: `unrecognised header: ${header.join(',')}` }],
    };
  }
  const out: ParsedStationList = { stations: [], outsideRegion: 0, problems: [] };
  rows.forEach((row, i) => {
    const candidate = national ? fromNationalRow(row) : fromProjectRow(row);
    if (!zProvince.safeParse(candidate.province).success) {
      out.outsideRegion++;
      return;
    }
    const parsed = zStation.safeParse(candidate);
    if (parsed.success) out.stations.push(parsed.data);
    else
      out.problems.push({
        line: i + 2,
        reason: parsed.error.issues.map((e) => `${e.path.join('.')}: ${e.message}`).join('; '),
      });
  });
  return out;
}
