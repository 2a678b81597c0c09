import type { FeedDefinition, SourceFormat, Reading } from '../schemas';

/**
 * Where a feed resumes. Hour-addressed feeds keep the last hour-ending instant they fully read;
 * cursor feeds keep the cursor, and beside it the newest hour-ending instant read so far (their
 * lag in /v1/feeds). Persisted as JSON by the watermark store.
 */
export interface Watermark {
  /** Hour-ending instant, ISO 8601 with offset. */
  time?: string;
  cursor?: string;
}

/** One fetched unit of a feed (an HTTP page, an hourly document, a file), undecoded. */
export interface RawPage {
  /** Names the page in errors and logs: URL (without secrets) or file, plus page or cursor. */
  label: string;
  body: Uint8Array;
  /** The watermark to persist once this page's readings are durable; absent = unchanged. */
  watermark?: Watermark;
}

/** A record the adapter could not turn into a reading, with where and why (invariant 5). */
export interface RecordProblem {
  /** Position in the page (row, item or element index, 0-based). */
  index: number;
  station?: string;
  pollutant?: string;
  time?: string;
  field: string;
  reason: string;
  /** The raw record, as text, for the rejects table. */
  record: string;
}

export interface MappedPage {
  readings: Reading[];
  problems: RecordProblem[];
}

export interface MapContext {
  /** Feed name, pushing centre or file — becomes `source.id`. */
  sourceId: string;
  sourceKind: Reading['source']['kind'];
  /** When yrd-air received the page: every reading's `arrivedAt`. */
  arrivedAt: string;
  status?: Reading['status'];
}

export interface PullContext {
  /** Current time, injectable so tests drive the clock. */
  now: () => Date;
  /**
   * fetch with the feed's timeout, retries and credentials applied. Resolves with the Response for
   * 2xx and 404 (an hourly document not yet published); throws for any other failure.
   */
  fetch: (url: string, init?: { headers?: Record<string, string> }) => Promise<Response>;
  signal?: AbortSignal;
}

/**
 * One feed format (ARCHITECTURE.md rule 8): fetch, decode and map — no validation, which happens once
 * at the ingest boundary for every adapter and for pushes alike. Values leave in canonical units
 * (CO mg/m³) with the source's flags kept and the unit they arrived in noted; times leave as
 * hour-ending instants with an explicit offset.
 */
export interface FeedAdapter {
  format: SourceFormat;
  /** Pages from the watermark (minus the feed's look-back) up to what is published now. */
  pull?(feed: FeedDefinition, from: Watermark | undefined, ctx: PullContext): AsyncIterable<RawPage>;
  toReadings(page: RawPage, ctx: MapContext): MappedPage;
  /**
   * A whole file as mapped chunks of about `chunkReadings` readings, in order (formats read from
   * big files: the national archive), so a backfill holds one chunk at a time, not the file.
   */
  stream?(
    source: AsyncIterable<Uint8Array | string>,
    ctx: MapContext,
    chunkReadings: number,
  ): AsyncIterable<MappedPage>;
}
