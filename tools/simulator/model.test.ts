import { describe, expect, it } from 'vitest';
import { cstFields, createModel, TRANSPORT_LINKS } from './model';
import { createPublication, QUIRK_RATES } from './publication';
import { simulatedStations } from './index';

const HOUR = 3_600_000;
const stations = simulatedStations();
const model = createModel(42);

function corr(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    saa += ((a[i] as number) - ma) ** 2;
    sbb += ((b[i] as number) - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('simulator model', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const s = stations[0]!;
    const t = Date.parse('2024-01-15T10:00:00+08:00');
    expect(createModel(42).stationHour(s, t)).toEqual(model.stationHour(s, t));
    expect(createModel(43).stationHour(s, t).values.pm25).not.toBe(model.stationHour(s, t).values.pm25);
  });

  it('carries the transport ground truth: the receiver follows the source at the configured lag, and nothing reaches Anhui', () => {
    const base = Math.round(Date.parse('2024-03-01T00:00:00Z') / HOUR);
    const hours = Array.from({ length: 24 * 60 }, (_, i) => base + i);
    for (const link of TRANSPORT_LINKS) {
      const receiver = hours.map((h) => model.episode(link.to, h));
      const byLag = Array.from({ length: 25 }, (_, k) =>
        corr(
          receiver,
          hours.map((h) => model.localEpisode(link.from, h - k)),
        ),
      );
      expect(byLag.indexOf(Math.max(...byLag))).toBe(link.lagHours);
    }
    const anhui = hours.map((h) => model.episode('anhui', h));
    for (const other of ['jiangsu', 'zhejiang', 'shanghai'] as const) {
      for (const k of [0, 3, 6, 12])
        expect(
          Math.abs(
            corr(
              anhui,
              hours.map((h) => model.localEpisode(other, h - k)),
            ),
          ),
        ).toBeLessThan(0.2);
    }
  });

  it('has winter PM2.5 above summer and an afternoon ozone peak in summer', () => {
    const meanOver = (from: string, days: number, pick: (t: number) => number) => {
      let s = 0;
      let n = 0;
      for (let t = Date.parse(from); t < Date.parse(from) + days * 24 * HOUR; t += HOUR) {
        s += pick(t);
        n++;
      }
      return s / n;
    };
    const st = stations.find((s) => s.province === 'jiangsu')!;
    const winter = meanOver('2024-01-01T00:00:00+08:00', 28, (t) => model.stationHour(st, t).values.pm25);
    const summer = meanOver('2024-07-01T00:00:00+08:00', 28, (t) => model.stationHour(st, t).values.pm25);
    expect(winter).toBeGreaterThan(1.6 * summer);
    const byHour = Array.from({ length: 24 }, () => 0);
    for (let t = Date.parse('2024-06-01T01:00:00+08:00'); t < Date.parse('2024-07-01T01:00:00+08:00'); t += HOUR) {
      byHour[cstFields(t).hour]! += model.stationHour(st, t).values.o3;
    }
    const peak = byHour.indexOf(Math.max(...byHour));
    expect(peak).toBeGreaterThanOrEqual(13);
    expect(peak).toBeLessThanOrEqual(17);
  });

  it('serves its quirks at about their documented rates', () => {
    const pub = createPublication(42, model);
    let hours = 0;
    let missing = 0;
    let late = 0;
    let corrections = 0;
    for (let t = Date.parse('2024-05-01T01:00:00+08:00'); t < Date.parse('2024-05-15T01:00:00+08:00'); t += HOUR) {
      for (const s of stations) {
        hours++;
        const h = pub.publishedHour(s, t);
        if (!h) missing++;
        else {
          if (h.publishedMs > t + 30 * 60_000) late++;
          if (h.correction) corrections++;
        }
      }
    }
    const expectedMissing = QUIRK_RATES.hourMissing + QUIRK_RATES.dayOutage;
    expect(missing / hours).toBeGreaterThan(expectedMissing * 0.6);
    expect(missing / hours).toBeLessThan(expectedMissing * 1.6);
    expect(late / hours).toBeGreaterThan(QUIRK_RATES.late * 0.7);
    expect(late / hours).toBeLessThan(QUIRK_RATES.late * 1.3);
    expect(corrections / hours).toBeGreaterThan(QUIRK_RATES.correction * 0.6);
    expect(corrections / hours).toBeLessThan(QUIRK_RATES.correction * 1.5);
  });
});
