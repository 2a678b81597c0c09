import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readJsonFile, writeJsonFile } from '../kernel';
import type { ReadingStatus } from '../schemas';
import type { BoundaryContext } from './boundary';
import type { FeedAdapter, MappedPage } from './feed-adapter';
import { handOver, publishRejects } from './hand-over';
import type { IngestMetrics } from './metrics';
import type { ReadingSink } from './reading-sink';
import { createRejectCollapser } from './reject-summary';
import type { StationRegistry } from './stations/registry';

/** The hourly types of the archive; the others are the publisher's derived values (docs/feeds.md §5). */
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
  /** Readings and rejects counted as every source's are (`source_kind` backfill). */
  metrics?: IngestMetrics;
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

/**
 * Hourly rows × named station columns: the cells a file could hold (no CSV quoting in this
 * format). Fed the file's text in pieces as it is read, so the file is not read a second time.
 */
export function createHourlyCellCounter(): { push(text: string): void; total(): number } {
  let columns: number | undefined;
  let rows = 0;
  let rest = '';
  const line = (l: string): void => {
    if (columns === undefined) {
      columns = l
        .split(',')
        .slice(3)
        .filter((c) => c.trim() !== '').length;
      return;
    }
    const a = l.indexOf(',');
    const b = l.indexOf(',', a + 1);
    const c = l.indexOf(',', b + 1);
    if (a > 0 && HOURLY_TYPES.has(l.slice(b + 1, c < 0 ? undefined : c))) rows++;
  };
  return {
    push(text) {
      const lines = (rest + text).split(/\r?\n/);
      rest = lines.pop() ?? '';
      for (const l of lines) line(l);
    },
    total() {
      if (rest !== '') line(rest);
      rest = '';
      return rows * (columns ?? 0);
    },
  };
}

type State = Record<string, { finishedAt: string; readings: number }>;

function fileKey(path: string): string {
  const st = statSync(path);
  return createHash('sha1')
    .update(`${resolve(path)}|${st.size}|${st.mtimeMs}`)
    .digest('hex');
}

function readState(file: string): State {
  try {
    return readJsonFile(file) as State;
  } catch {
    return {};
  }
}

function writeState(file: string, state: State): void {
  writeJsonFile(file, state, { indent: 1 });
}

/**
 * Loads national archive CSV files: each file goes through the archive adapter and
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
  const summary: BackfillSummary = {
    files: 0,
    skippedFiles: [],
    readings: 0,
    emptyCells: 0,
    rejectsByCode: {},
    unknownStations: [],
    durationMs: 0,
  };
  const unknown = new Map<string, number>();
  let bytesDone = 0;
  for (const [i, file] of opts.files.entries()) {
    const key = fileKey(file);
    if (state[key] && !opts.force) {
      summary.skippedFiles.push(file);
      bytesDone += sizes[i] ?? 0;
      continue;
    }
    const arrivedAt = now().toISOString();
    const sourceId = basename(file);
    const ctx: BoundaryContext = {
      registry: opts.registry,
      owner: 'coordinator',
      centre: 'coordinator',
      sourceKind: 'backfill',
      sourceId,
      receivedAt: arrivedAt,
    };
    const mapCtx = { sourceId, sourceKind: 'backfill' as const, arrivedAt, status: opts.status };
    // A streaming format is read a chunk at a time (a file of every national station is ~80 %
    // foreign cells: held whole with their refusals it took ~185 MB of heap a day-file).
    let bytesRead = 0;
    const cells = createHourlyCellCounter();
    const decoder = new TextDecoder('utf-8');
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const b of createReadStream(file)) {
        bytesRead += (b as Buffer).length;
        cells.push(decoder.decode(b as Buffer, { stream: true }));
        yield b as Buffer;
      }
      cells.push(decoder.decode());
    }
    const whole = (): MappedPage[] => {
      const body = readFileSync(file);
      cells.push(body.toString('utf8'));
      return [opts.archive.toReadings({ label: file, body }, mapCtx)];
    };
    const pages: AsyncIterable<MappedPage> | MappedPage[] = opts.archive.stream
      ? opts.archive.stream(counted(), mapCtx, chunk)
      : whole();
    const collapser = createRejectCollapser();
    let accepted = 0;
    let mappedCells = 0;
    for await (const page of pages) {
      // A file's rejects wait for its end, so a foreign station is reported once per file.
      const handed = await handOver(
        opts,
        ctx,
        { candidates: page.readings, problems: page.problems },
        {
          chunk,
          rejects: (all) => {
            collapser.add(all);
            return [];
          },
        },
      );
      mappedCells += page.readings.length + page.problems.filter((p) => p.index >= 0).length;
      accepted += handed.accepted.length;
      opts.onProgress?.({
        file,
        filesDone: summary.files,
        filesTotal: opts.files.length,
        bytesDone: bytesDone + (opts.archive.stream ? bytesRead : (sizes[i] ?? 0)),
        bytesTotal,
        readings: summary.readings + accepted,
      });
    }
    const fileRejects = collapser.result();
    await publishRejects(opts, ctx, fileRejects);
    for (const [station, cells] of collapser.cellsOf('READING_UNKNOWN_STATION'))
      unknown.set(station, (unknown.get(station) ?? 0) + cells);
    for (const r of fileRejects) summary.rejectsByCode[r.code] = (summary.rejectsByCode[r.code] ?? 0) + 1;
    summary.emptyCells += cells.total() - mappedCells;
    summary.readings += accepted;
    summary.files++;
    bytesDone += sizes[i] ?? 0;
    state[key] = { finishedAt: now().toISOString(), readings: accepted };
    writeState(opts.stateFile, state);
    opts.onProgress?.({
      file,
      filesDone: summary.files + summary.skippedFiles.length,
      filesTotal: opts.files.length,
      bytesDone,
      bytesTotal,
      readings: summary.readings,
    });
  }
  summary.unknownStations = [...unknown]
    .map(([station, cells]) => ({ station, cells }))
    .sort((a, b) => a.station.localeCompare(b.station));
  summary.durationMs = Date.now() - started;
  return summary;
}
