export type { ReadingSink } from './reading-sink';
export { createIngest } from './create-ingest';
export type { Ingest, IngestDeps } from './create-ingest';
export { runBackfill } from './backfill';
export type { BackfillProgress, BackfillSummary } from './backfill';
export type { PushRequest } from './push';
