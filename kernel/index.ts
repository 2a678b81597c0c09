export { AppError, DependencyError, InputError, isRetriable } from './errors';
export { createLogger, type Logger } from './logger';
export { boundedMemo } from './memo';
export { fromRoot } from './package-root';
export { timeMs } from './time';
export { ERROR_CODES, type ErrorCode } from './error-codes';
export { deadLetter, ok, type Outcome } from './outcome';
