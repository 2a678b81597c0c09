import type { PushRequest } from '../ingest';
import type { ForecastSource } from '../views';
import type {
  Change,
  ExceptionalDay,
  ExceptionalDaysResponse,
  FeedStatus,
  FlaggedRevision,
  PushResult,
  Reject,
  Province,
  StationListVersion,
  Forecast,
} from '../schemas';

/** What the API reads from the store (ARCHITECTURE.md rule 1: named for the domain; ClickHouse behind it). */
export interface RejectQueries {
  list(filter: { centre?: string; code?: string; fromMs: number; toMs: number; limit: number }): Promise<Reject[]>;
}

/** A revision quality control flagged, as stored (its reasons are worded by the route from the limits). */
export type FlaggedRow = Omit<FlaggedRevision, 'reasons'> & { sourceFlag: string; missingReason: string };

export interface FlagQueries {
  /** Revisions with QC flags that arrived in [fromMs, toMs), newest first. */
  list(filter: {
    stations?: string[];
    flag?: string;
    pollutant?: string;
    station?: string;
    fromMs: number;
    toMs: number;
    limit: number;
  }): Promise<FlaggedRow[]>;
}

export interface StationQueries {
  /** The station list version in force at `atMs`, filtered. */
  current(filter: { province?: Province; city?: string; atMs: number }): Promise<StationListVersion | undefined>;
  /** Every version of the station list, with its stations. */
  versions(): Promise<StationListVersion[]>;
}

export interface StationDelivery {
  station: string;
  received: number;
  valid: number;
  corrected: number;
  audited: number;
  /** Minutes from each timed identity's hour end to its first publication or arrival. */
  delaysMin: number[];
}

export interface ScorecardQueries {
  perStation(f: { stations: string[]; fromMs: number; toMs: number }): Promise<StationDelivery[]>;
  rejectsByCode(f: { centre: string; fromMs: number; toMs: number }): Promise<Record<string, number>>;
}

export interface ChangeCursor {
  arrivedMs: number;
  station: string;
  pollutant: string;
  timeSec: number;
  status: string;
}

export interface ChangeQueries {
  /** Revisions that arrived after `sinceMs`, strictly after `after`, in arrival order. */
  list(f: {
    sinceMs: number;
    after?: ChangeCursor;
    pollutant?: string;
    stations?: string[];
    limit: number;
  }): Promise<{ changes: Change[]; last?: ChangeCursor }>;
}

export interface ExceptionalDayStore {
  record(days: readonly ExceptionalDay[], atMs: number): Promise<void>;
  /** The days in force for a year (the latest record of each, unless removed). */
  list(year: number): Promise<ExceptionalDaysResponse['days']>;
}

/** A stored speciated hour of a supersite (µg/m³). */
export interface SpeciesRow {
  station: string;
  species: string;
  /** Hour-ending instant, epoch ms. */
  timeMs: number;
  value: number | null;
  mdl: number | null;
  uncertainty: number | null;
}

/** Speciated supersite readings: written by `POST /v1/species`, read by the factor analysis. */
export interface SpeciesStore {
  record(rows: readonly SpeciesRow[], centre: string, atMs: number): Promise<void>;
  /** The latest value of each (species, hour) of a station in [fromMs, toMs). */
  hourly(station: string, fromMs: number, toMs: number): Promise<SpeciesRow[]>;
}

/**
 * The centres' city forecasts: written by `POST /v1/forecasts` (every issue kept), read as the issues
 * in force (docs/standards.md §9.1).
 */
export interface ForecastStore extends ForecastSource {
  record(forecasts: readonly Forecast[]): Promise<void>;
}

/** What the API reads and records in the store; a route is served when the ports it needs are given. */
export interface StoreQueries {
  stations?: StationQueries;
  rejects?: RejectQueries;
  /** Revisions quality control flagged: `GET /v1/flags`. */
  flags?: FlagQueries;
  scorecards?: ScorecardQueries;
  changes?: ChangeQueries;
  exceptionalDays?: ExceptionalDayStore;
  /** Speciated supersite readings: `POST /v1/species`. */
  species?: SpeciesStore;
  /** The centres' city forecasts: `POST /v1/forecasts`, `GET /v1/forecasts`. */
  forecasts?: ForecastStore;
}

/** The ingest side, where this process runs it. */
export interface IngestPorts {
  /** Feed health, where this process runs the pull scheduler. */
  feeds?: () => FeedStatus[];
  /** Pushes, where this process can publish to the bus. */
  push?: (req: PushRequest) => Promise<PushResult>;
}
