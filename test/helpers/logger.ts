import { createLogger, type Logger } from '../../kernel/logger';

export const silentLogger = (): Logger => createLogger({ level: 'silent' });
