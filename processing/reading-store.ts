import type { Pollutant, Reading, ReadingStatus, Reject } from '../schemas';

/** A reading as stored: the arrival plus what quality control concluded. */
export interface Revision extends Reading {
  qcFlags: string[];
  /** Usable in statistics: value present, valid at the source, no invalidating QC flag. */
  valid: boolean;
}

/** The part of a revision that decides whether a new arrival changes anything. */
export interface RevisionContent {
  station: string;
  pollutant: Pollutant;
  /** Hour-ending instant, epoch milliseconds. */
  timeMs: number;
  status: ReadingStatus;
  value: number | null;
  sourceFlag: string;
  sourceValid: boolean;
  missingReason: string;
}

export interface RevisionScope {
  stations: string[];
  pollutants: Pollutant[];
  fromMs: number;
  toMs: number;
}

/** A reject as the store keeps it (schemas/reject.ts). */
export type RejectRow = Reject;

/** The processor's view of the store (ARCHITECTURE.md rule 1). */
export interface ReadingStore {
  /** The latest revision of each (identity, status) within the scope (a superset filter). */
  latestRevisions(scope: RevisionScope): Promise<RevisionContent[]>;
  insertRevisions(rows: readonly Revision[]): Promise<void>;
  insertRejects(rows: readonly RejectRow[]): Promise<void>;
}
