import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ReadingStatus } from '../schemas/reading';
import type { Reject } from '../schemas/reject';
import { admit, problemsToRejects, type BoundaryContext } from './boundary';
import type { FeedAdapter } from './feed-adapter';
import type { ReadingSink } from './reading-sink';
import { collapseUnknownStations } from './reject-summary';
import type { StationRegistry } from './stations/registry';

/** The hourly types of the archive; the others are the publisher's derived values (FEEDS.md §5). */
const HOURLY_TYPES = new Set(['PM2.5', 'PM10', 'SO2', 'NO2', 'O3', 'CO']);
const DEFAULT_CHUNK_READINGS = 50_000;

export interface BackfillOptions {
  files: readonly string[];
  sink: ReadingSink;
  registry: StationRegistry;
  archive: FeedAdapter;
  status?: ReadingStatus;
  /** Where finished files are remembered, so an interrupted backfill resumes after them. */
  stateFile: string;
  /** Redo files already finished. */
  force?: boolean;
  chunkReadings?: number;
  now?: () => Date;
  onProgress?: (p: BackfillProgress) => void;
}

export interface BackfillProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  readings: number;
}

export interface BackfillSummary {
  files: number;
  skippedFiles: string[];
  /** Readings handed over durably (the store keeps one per identity; repeats change nothing). */
  readings: number;
  /** Hourly cells with no value. */
  emptyCells: number;
  rejectsByCode: Record<string, number>;
  /** Stations outside the registry, once per station with the cells skipped. */
  unknownStations: { station: string; cells: number }[];
  durationMs: number;
}

/** Hourly rows × named station columns: the cells a file could hold (no CSV quoting in this format). */
export function countHourlyCells(text: string): number {
  const lines = text.split(/\r?\n/);
  const columns = (lines[0] ?? '').split(',').slice(3).filter((c) => c.trim() !== '').length;
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const a = line.indexOf(',');
    const b = line.indexOf(',', a + 1);
    const c = line.indexOf(',', b + 1);
    if (a > 0 && HOURLY_TYPES.has(line.slice(b + 1, c < 0 ? undefined : c))) rows++;
  }
  return rows * columns;
}

type State = Record<string, { finishedAt: string; readings: number }>;

function fileKey(path: string): string {
  const st = statSync(path);
  return createHash('sha1').update(`${resolve(path)}|${st.size}|${st.mtimeMs}`).digest('hex');
}

function readState(file: string): State {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as State;
  } catch {
    return {};
  }
}

function writeState(file: string, state: State): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
  renameSync(`${file}.tmp`, file);
}

/**
 * Loads national archive CSV files (issue 3 §7): each file goes through the archive adapter and
 * the ingest boundary like any other source, in chunks handed over durably. A finished file is
 * remembered (by path, size and mtime) so a rerun skips it; an interrupted file is simply read
 * again — harmless, since a reading's identity is (station, pollutant, hour).
 */
export async function runBackfill(opts: BackfillOptions): Promise<BackfillSummary> {
  const started = Date.now();
  const now = opts.now ?? (() => new Date());
  const chunk = opts.chunkReadings ?? DEFAULT_CHUNK_READINGS;
  const state = readState(opts.stateFile);
  const sizes = opts.files.map((f) => statSync(f).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  const summary: BackfillSummary = { files: 0, skippedFiles: [], readings: 0, emptyCells: 0, rejectsByCode: {}, unknownStations: [], durationMs: 0 };
  const unknown = new Map<string, number>();
  let bytesDone = 0;
  for (const [i, file] of opts.files.entries()) {
    const key = fileKey(file);
    if (state[key] && !opts.force) {
      summary.skippedFiles.push(file);
      bytesDone += sizes[i] ?? 0;
      continue;
    }
    const bytes = readFileSync(file);
    const arrivedAt = now().toISOString();
    const sourceId = basename(file);
    const ctx: BoundaryContext = { registry: opts.registry, owner: 'coordinator', centre: 'coordinator', sourceKind: 'backfill', sourceId, receivedAt: arrivedAt };
    const mapped = opts.archive.toReadings({ label: file, body: bytes }, { sourceId, sourceKind: 'backfill', arrivedAt, status: opts.status });
    const { accepted, rejects } = admit(mapped.readings, ctx);
    const fileRejects: Reject[] = [...problemsToRejects(mapped.problems, ctx), ...collapseUnknownStations(rejects)];
    for (let at = 0; at < accepted.length; at += chunk) {
      await opts.sink.publish(accepted.slice(at, at + chunk));
      opts.onProgress?.({ file, filesDone: summary.files, filesTotal: opts.files.length, bytesDone: bytesDone + ((sizes[i] ?? 0) * Math.min(at + chunk, accepted.length)) / Math.max(1, accepted.length), bytesTotal, readings: summary.readings + Math.min(at + chunk, accepted.length) });
    }
    await opts.sink.publishRejects(fileRejects);
    for (const r of rejects) if (r.code === 'READING_UNKNOWN_STATION') unknown.set(r.station, (unknown.get(r.station) ?? 0) + 1);
    for (const r of fileRejects) summary.rejectsByCode[r.code] = (summary.rejectsByCode[r.code] ?? 0) + 1;
    summary.emptyCells += countHourlyCells(bytes.toString('utf8')) - mapped.readings.length - mapped.problems.filter((p) => p.index >= 0).length;
    summary.readings += accepted.length;
    summary.files++;
    bytesDone += sizes[i] ?? 0;
    state[key] = { finishedAt: now().toISOString(), readings: accepted.length };
    writeState(opts.stateFile, state);
    opts.onProgress?.({ file, filesDone: summary.files + summary.skippedFiles.length, filesTotal: opts.files.length, bytesDone, bytesTotal, readings: summary.readings });
  }
  summary.unknownStations = [...unknown].map(([station, cells]) => ({ station, cells })).sort((a, b) => a.station.localeCompare(b.station));
  summary.durationMs = Date.now() - started;
  return summary;
}
