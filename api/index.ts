export { buildApp } from './build-app';
export type { AppDeps } from './build-app';
export type { ReadinessCheck } from './routes/health.routes';
export { createKeyVerifier, issueKey, revokeKeys } from './auth/centre-keys';
export {
  type ChangeQueries,
  type ExceptionalDayStore,
  type FlagQueries,
  type FlaggedRow,
  type ForecastStore,
  type RejectQueries,
  type ScorecardQueries,
  type SpeciesRow,
  type SpeciesStore,
  type StationDelivery,
  type StationQueries,
} from './ports';
