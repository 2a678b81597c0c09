import { createLogger, type Logger } from '../../infra/logger';

export const silentLogger = (): Logger => createLogger({ level: 'silent' });
