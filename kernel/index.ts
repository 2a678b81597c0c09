export { AppError, DependencyError, InputError, isRetriable } from './errors';
export { createLogger, type Logger } from './logger';
export { decodePageCursor, encodePageCursor } from './cursor';
export { readJsonFile, writeJsonFile } from './json-file';
export { boundedMemo } from './memo';
export { fromRoot } from './package-root';
export {
  addDays,
  CST_OFFSET_MS,
  cstDayNumberOf,
  cstDayOf,
  cstDaysRange,
  cstMidnightMs,
  cstWallClockMs,
  DAY_MS,
  dayNumber,
  floorHour,
  HOUR_MS,
  hourEndingDayOf,
  hourEndingDaysRange,
  hourLabelOf,
  hoursIn,
  timeMs,
  toCstIso,
  type TimeRange,
} from './time';
export {
  ERROR_CODES,
  ERROR_REGISTRY,
  statusOf,
  type ErrorCode,
  type ErrorCodeOf,
  type ErrorCodeSpec,
  type ErrorFault,
} from './error-codes';
export { deadLetter, ok, type Outcome } from './outcome';
