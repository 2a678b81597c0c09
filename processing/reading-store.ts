import type { Change, Pollutant, Reading, ReadingStatus, Reject } from '../schemas';

/**
 * What a revision is to the one it replaces (`GET /v1/changes` shows it): the identity's first,
 * a correction of the same status, the first audited value replacing the provisional one, or the
 * same value with a new QC verdict because its PM partner changed. `unknown` is only for revisions
 * stored before the store kept kinds.
 */
export type RevisionKind = Exclude<Change['kind'], 'unknown'>;

/** A reading as stored: the arrival plus what quality control concluded. */
export interface Revision extends Reading {
  qcFlags: string[];
  /** Usable in statistics: value present, valid at the source, no invalidating QC flag. */
  valid: boolean;
  /** Set by the processor when it admits the revision (revisions.ts). */
  kind?: RevisionKind;
  /** The value and verdict of the revision this one replaces; null for a first. */
  previous?: { value: number | null; valid: boolean } | null;
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
  /** The stored verdict: for a revision's `previous`, and to tell when a PM partner's changes. */
  valid: boolean;
  pm25AbovePm10: boolean;
}

/** One (identity, status): whose latest stored revision to read in full. */
export type RevisionKey = Pick<RevisionContent, 'station' | 'pollutant' | 'timeMs' | 'status'>;

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
  /**
   * The latest stored revision of each key, every column (keys with none are left out). Only for
   * re-judging a PM partner (pm-pairing.ts), so an ordinary batch never calls it.
   */
  latestRevisionRows(keys: readonly RevisionKey[]): Promise<Revision[]>;
  insertRevisions(rows: readonly Revision[]): Promise<void>;
  insertRejects(rows: readonly RejectRow[]): Promise<void>;
}
