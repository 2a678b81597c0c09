/** What the statistics need from the store (ARCHITECTURE.md rule 1); ClickHouse SQL behind it. */
export type DailyStatistic = 'so2' | 'no2' | 'co' | 'pm10' | 'pm25' | 'o3_1h_max' | 'o3_mda8';

export interface StationDay {
  station: string;
  /** The natural day (CST), YYYY-MM-DD: hours labelled 01–24. */
  day: string;
  statistic: DailyStatistic;
  value: number | null;
  /** Valid hours (means, max 1-h) or valid 8-h windows (MDA8). */
  nValid: number;
  valid: boolean;
  /** A gas before 2018-09-01 converted to the reference state (docs/standards.md §1.2). */
  converted: boolean;
  /** MDA8 kept with fewer than 14 windows because it exceeds the limit (§2.2). */
  exceedanceException: boolean;
  /** Of the hours behind the value, how many are audited: what the statistic rests on. */
  nAudited: number;
}

export interface StatsQueries {
  /** `asOfMs`: as the data stood at that instant (only what had arrived by then). */
  stationDaily(f: {
    stations: string[];
    fromDay: string;
    toDay: string;
    referenceState?: boolean;
    asOfMs?: number;
    auditedOnly?: boolean;
  }): Promise<StationDay[]>;
}
