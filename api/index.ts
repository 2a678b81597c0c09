export { buildApp } from './build-app';
export type { AppDeps } from './build-app';
export type { ReadinessCheck } from './routes/health.routes';
