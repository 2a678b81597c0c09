import { readFileSync } from 'node:fs';
import type { MapContext } from '../../ingest/feed-adapter';

export const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/feeds/${name}`, import.meta.url));

export const feedCtx = (sourceId = 'test-feed'): MapContext => ({
  sourceId,
  sourceKind: 'feed',
  arrivedAt: '2025-03-01T01:20:00.000Z',
});

/** The fields that matter for comparing readings, in a compact row. */
export const row = (r: {
  station: string;
  pollutant: string;
  time: string;
  value: number | null;
  sourceValid: boolean;
}) => [r.station, r.pollutant, new Date(r.time).toISOString(), r.value, r.sourceValid] as const;
